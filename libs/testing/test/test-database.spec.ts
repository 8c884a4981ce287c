import { createTestDatabase, queryDatabase, TEST_POSTGRES_URL } from '../src';

describe('createTestDatabase', () => {
  it('creates a uniquely named database the service role can use, and drops it', async () => {
    const first = await createTestDatabase({ prefix: 'testing' });
    const second = await createTestDatabase({ prefix: 'testing' });
    try {
      expect(first.name).toMatch(/^mutuo_testing_test_[a-z0-9]+$/);
      expect(second.name).not.toBe(first.name);
      expect(first.appRole).toBe('mutuo_testing_app');
      await expect(queryDatabase(first.appUrl, 'select current_user as role, current_database() as db')).resolves.toEqual([
        { role: 'mutuo_testing_app', db: first.name },
      ]);
    } finally {
      await first.drop();
      await second.drop();
    }

    const remaining = await queryDatabase<{ datname: string }>(
      TEST_POSTGRES_URL,
      `select datname from pg_database where datname in ('${first.name}', '${second.name}')`,
    );
    expect(remaining).toEqual([]);
  }, 30_000);
});
