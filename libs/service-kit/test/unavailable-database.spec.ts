import { OUTCOME_UNKNOWN_MESSAGE, RETRY_SAFE_MESSAGE } from '@mutuo/platform';
import { MetricsScrape, PrivatePostgres, startServiceUnderTest, type ServiceUnderTest } from '@mutuo/testing';
import { clockService } from './fixtures/clock-service';

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
    // The scrape still answers, and says the instance cannot serve.
    expect((await MetricsScrape.of(clock.service.url)).value('mutuo_ready', { service: 'clock' })).toBe(0);

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
