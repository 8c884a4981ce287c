import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { EVENT_STORE_SCHEMA_SQL } from '../src/schema';
import { query } from '../src/sql';

export const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throw-away database with the event-store schema, opened through MikroORM like a service would. */
export async function openTestDatabase(extraSql = ''): Promise<{ orm: MikroORM; name: string; close(): Promise<void> }> {
  const name = `t_event_store_${randomBytes(5).toString('hex')}`;
  await withServer((client) => client.query(`create database ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const setup = new Client({ connectionString: url.toString() });
  await setup.connect();
  await setup.query(EVENT_STORE_SCHEMA_SQL + extraSql);
  await setup.end();
  const orm = await MikroORM.init({
    clientUrl: url.toString(),
    entities: [],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 20 },
    debug: false,
  });
  return {
    orm,
    name,
    async close() {
      await orm.close(true);
      await withServer((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * Waits until every event committed so far is readable by projections and the relay: a reader takes only events below
 * the oldest transaction still running on the whole server (see schema.ts), and tests of other suites, run alongside,
 * hold such transactions now and then. A test that appends and then catches up at once waits for this first.
 */
export async function untilEventsReadable(orm: MikroORM, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await query<{ readable: boolean }>(
      orm.em.fork(),
      'select not exists (select 1 from mutuo_events where transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) as readable',
    );
    if (row?.readable) return;
    if (Date.now() >= deadline) throw new Error(`Events appended were still not readable after ${timeoutMs} ms: a transaction of the server stays open`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
