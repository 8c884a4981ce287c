import { randomBytes } from 'node:crypto';
import { MikroORM, PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { Client } from 'pg';
import { INBOX_SCHEMA_SQL } from '../../src';

const SHARED_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly orm: MikroORM;
  readonly em: EntityManager;
  /** Runs SQL on a fresh connection outside MikroORM. */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, with the event-store and inbox tables; on the shared server unless
 * `serverUrl` names another (a private cluster the test stops, say).
 */
export async function createTestDatabase(extraSql = '', serverUrl = SHARED_SERVER_URL): Promise<TestDatabase> {
  const name = `t_messaging_${randomBytes(5).toString('hex')}`;
  await withClient(`${serverUrl}/postgres`, (client) => client.query(`create database ${name}`));
  const url = `${serverUrl}/${name}`;
  await withClient(url, (client) => client.query(`${EVENT_STORE_SCHEMA_SQL}\n${INBOX_SCHEMA_SQL}\n${extraSql}`));
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: true,
    pool: { min: 0, max: 5 },
  });
  return {
    name,
    url,
    orm,
    em: orm.em as EntityManager,
    sql: <Row>(text: string, params: unknown[] = []) => withClient(url, async (client) => (await client.query(text, params)).rows as Row[]),
    async drop() {
      await orm.close(true);
      await withClient(`${serverUrl}/postgres`, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
