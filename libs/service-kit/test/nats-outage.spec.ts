import { MetricsScrape, PrivateNatsServer, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { clockService } from './fixtures/clock-service';

/**
 * NATS going away does not make a service unready: it keeps serving its API (commands' events wait in the outbox),
 * and the outage shows in mutuo_nats_connected instead. A private nats-server, killed and restarted; real PostgreSQL.
 */
describe('a service whose NATS is unreachable', () => {
  let nats: PrivateNatsServer;
  let clock: ServiceUnderTest;
  let token: string;
  const scrape = () => MetricsScrape.of(clock.service.url);

  beforeAll(async () => {
    nats = await PrivateNatsServer.start();
    clock = await startServiceUnderTest(clockService, { databasePrefix: 'clock_nats', env: { NATS_URL: nats.url } });
    token = await clock.token('person-1');
  }, 120_000);

  afterAll(async () => {
    if (nats && !nats.isRunning) await nats.restart();
    await clock?.stop();
    await nats?.destroy();
  }, 60_000);

  it('stays ready and serving while NATS is down, with mutuo_nats_connected at 0, and shows it back at 1 after', async () => {
    expect((await fetch(`${clock.service.url}/health/ready`)).status).toBe(200);
    expect((await scrape()).value('mutuo_nats_connected', { service: 'clock' })).toBe(1);

    await nats.kill();
    await waitFor(async () => (await scrape()).value('mutuo_nats_connected', { service: 'clock' }) === 0, {
      description: 'the gauge to show NATS down',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    const ready = await fetch(`${clock.service.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { status: 'ok', durationMs: expect.any(Number) } } });
    expect((await fetch(`${clock.service.url}/health/live`)).status).toBe(200);
    expect((await clock.graphql<{ databaseTime: string }>(token, '{ databaseTime }')).data?.databaseTime).toMatch(/^\d{4}-/);
    const during = await scrape();
    expect(during.value('mutuo_ready', { service: 'clock' })).toBe(1);
    expect(during.value('mutuo_nats_disconnects_total', { service: 'clock' })).toBe(1);

    await nats.restart();
    await waitFor(async () => (await scrape()).value('mutuo_nats_connected', { service: 'clock' }) === 1, {
      description: 'the gauge to show NATS back',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
  }, 60_000);
});
