import { ConfigError } from '@mutuo/platform';
import { migrateService, startService } from '../src';
import { kitService as definition } from './fixtures/kit-service';

describe('service kit configuration', () => {
  it('refuses to start with a malformed variable, naming each one, before touching any database', async () => {
    const start = startService(definition, { env: { DATABASE_URL: 'mysql://nowhere/kit', NATS_URL: 'http://nats', PORT: 'eighty' } });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/PORT must be an integer 0-65535.*DATABASE_URL must be a postgres:\/\/ URL.*NATS_URL must be a nats:\/\/ URL/);
  });

  it('refuses to start in production without key-encryption keys for personal data, before touching any database', async () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://nobody:s3cret@127.0.0.1:1/kit',
      NATS_URL: 'nats://kit:s3cret@127.0.0.1:1',
      GATEWAY_SHARED_SECRET: 'g'.repeat(32),
      JWT_SECRET: 'j'.repeat(48),
      JWT_ISSUER: 'https://id.mutuo.example',
      JWT_AUDIENCE: 'mutuo-api',
      JWT_ALGORITHMS: 'HS256',
    };
    await expect(startService(definition, { env: production })).rejects.toThrow(new ConfigError(['PERSONAL_DATA_KEKS is required in production']));
  });

  it('refuses development secrets in production', async () => {
    await expect(migrateService(definition, { NODE_ENV: 'production' })).rejects.toThrow(/GATEWAY_SHARED_SECRET is required in production/);
  });
});
