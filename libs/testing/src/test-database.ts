import { Client } from 'pg';
import { dropDatabase, ensureAppRole, ensureDatabase, withDatabase } from '@mutuo/platform';
import { uniqueSuffix } from './unique-suffix';

/** The local PostgreSQL superuser; override with MUTUO_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env.MUTUO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabaseOptions {
  /** Usually the service name; the database is `mutuo_<prefix>_test_<suffix>`. */
  readonly prefix: string;
  /** The runtime role `appUrl` connects as; defaults to the service's, `mutuo_<prefix>_app`. */
  readonly appRole?: string;
  /** A superuser URL of the server to create it on; defaults to the shared TEST_POSTGRES_URL (a PrivatePostgres's `url()`, say). */
  readonly postgresUrl?: string;
}

export interface TestDatabase {
  readonly name: string;
  /** As the owner (superuser): run migrations with this. */
  readonly adminUrl: string;
  /** As the runtime role: what the service connects with. */
  readonly appUrl: string;
  readonly appRole: string;
  /** Drops the database, disconnecting any client still on it. The shared role stays. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named database for one test file. Run the service's migrations on `adminUrl` next. */
export async function createTestDatabase({ prefix, appRole, postgresUrl = TEST_POSTGRES_URL }: TestDatabaseOptions): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,24}$/.test(prefix)) {
    throw new Error(`Invalid test database prefix "${prefix}": use lowercase letters, digits and "_" (at most 25)`);
  }
  const name = `mutuo_${prefix}_test_${uniqueSuffix()}`;
  const role = appRole ?? `mutuo_${prefix}_app`;
  await ensureDatabase(postgresUrl, name);
  await ensureAppRole({ adminUrl: postgresUrl, role });
  const adminUrl = withDatabase(postgresUrl, name);
  const app = new URL(adminUrl);
  app.username = role;
  app.password = '';
  return {
    name,
    adminUrl,
    appUrl: app.toString(),
    appRole: role,
    drop: () => dropDatabase(postgresUrl, name),
  };
}

/** Runs one statement on its own short-lived connection: for a test to look at (or tamper with) a service's tables. */
export async function queryDatabase<Row>(connectionString: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
