import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { Module, type INestApplication } from '@nestjs/common';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { OUTCOME_UNKNOWN_MESSAGE, RETRY_SAFE_MESSAGE } from '@mutuo/platform';
import { PrivatePostgres, startServiceUnderTest, type ServiceUnderTest } from '@mutuo/testing';
import type { ServiceDefinition } from '../src';

@Module({})
class EmptyModule {}

/** The event store every service has (its outbox relay reads it). */
class EventStoreSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
  }
}

async function readDatabaseTime(app: INestApplication, sleepSeconds = 0): Promise<string> {
  const rows = await app.get(MikroORM).em.fork().getConnection().execute<{ now: string }[]>('select pg_sleep(?), now()::text as now', [sleepSeconds]);
  return rows[0]!.now;
}

/** A service whose queries read the database's clock. */
const clockService: ServiceDefinition = {
  name: 'clock',
  defaultPort: 4998,
  schemaPath: join(__dirname, 'fixtures', 'clock.graphql'),
  entities: [],
  migrations: [{ name: 'Migration20261207000000_event_store', class: EventStoreSchema }],
  projections: [],
  module: EmptyModule,
  consumesEvents: false,
  resolvers: (app) => ({
    Query: {
      databaseTime: () => readDatabaseTime(app),
      slowDatabaseTime: () => readDatabaseTime(app, 1),
    },
  }),
};

const QUERY = '{ databaseTime }';

describe('a subgraph whose database is unavailable', () => {
  let cluster: PrivatePostgres;
  let clock: ServiceUnderTest;
  let token: string;

  beforeAll(async () => {
    cluster = await PrivatePostgres.start();
    clock = await startServiceUnderTest(clockService, { databasePrefix: 'clock', postgresUrl: cluster.url() });
    token = await clock.token('person-1');
  }, 120_000);

  afterAll(async () => {
    if (!cluster.isRunning) await cluster.restart();
    await clock?.stop();
    await cluster.destroy();
  }, 60_000);

  it('answers SERVICE_UNAVAILABLE while PostgreSQL is down, saying whether a retry is safe, and serves again once it is back', async () => {
    expect((await clock.graphql<{ databaseTime: string }>(token, QUERY)).data?.databaseTime).toMatch(/^\d{4}-/);

    // Cut off mid-statement: whether a change went through is unknown, so the caller is not told to just retry.
    const cutOff = clock.graphql(token, '{ slowDatabaseTime }');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.stop();
    expect((await cutOff).errors?.map((error) => [error.message, error.extensions])).toEqual([
      [OUTCOME_UNKNOWN_MESSAGE, { code: 'SERVICE_UNAVAILABLE', retryable: false }],
    ]);

    const during = await clock.graphql(token, QUERY);
    expect(during.errors).toEqual([
      { message: RETRY_SAFE_MESSAGE, path: ['databaseTime'], locations: expect.any(Array), extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } },
    ]);
    expect(JSON.stringify(during)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Internal server error/);
    expect((await fetch(`${clock.service.url}/health/ready`)).status).toBe(503);

    await cluster.restart();
    expect((await clock.graphql<{ databaseTime: string }>(token, QUERY)).data?.databaseTime).toMatch(/^\d{4}-/);
  }, 60_000);

  it('answers SERVICE_UNAVAILABLE, retry safe, when its connection pool stays exhausted past the acquire timeout', async () => {
    const connection = clock.service.orm.em.getConnection();
    // Every pooled connection busy for longer than the 10 s acquire timeout.
    const busy = Array.from({ length: 10 }, () => connection.execute('select pg_sleep(13)'));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const result = await clock.graphql(token, QUERY);
    await Promise.all(busy);
    expect(result.errors?.map((error) => [error.message, error.extensions])).toEqual([[RETRY_SAFE_MESSAGE, { code: 'SERVICE_UNAVAILABLE', retryable: true }]]);
  }, 60_000);
});
