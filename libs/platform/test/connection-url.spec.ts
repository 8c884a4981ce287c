import { Client } from 'pg';
import { databaseUrlWithPassword } from '../src';

/** What pg itself will send: the parameters a client builds from its config. */
const passwordPgUses = (config: ConstructorParameters<typeof Client>[0]): unknown => (new Client(config) as unknown as { password: unknown }).password;

describe('databaseUrlWithPassword', () => {
  const url = 'postgres://mutuo_requests_app@postgres:5432/mutuo_requests';

  it('shows why: pg drops a separate password when the connection string carries none', () => {
    expect(passwordPgUses({ connectionString: url, password: 'kept-apart' })).not.toBe('kept-apart');
  });

  it('puts the password in the URL, so pg uses it, even one with characters a URL must encode', () => {
    for (const password of ['0f3a9c', "p@ss:w/rd %?#'("]) {
      expect(passwordPgUses({ connectionString: databaseUrlWithPassword(url, password) })).toBe(password);
    }
    expect(new URL(databaseUrlWithPassword(url, 'secret')).pathname).toBe('/mutuo_requests');
  });

  it('leaves the URL as it is without a password, and a password already in it unless another is given', () => {
    expect(databaseUrlWithPassword(url, undefined)).toBe(url);
    expect(databaseUrlWithPassword('postgres://app:inside@db/x', '')).toBe('postgres://app:inside@db/x');
    expect(passwordPgUses({ connectionString: databaseUrlWithPassword('postgres://app:inside@db/x', 'given') })).toBe('given');
  });
});
