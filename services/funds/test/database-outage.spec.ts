import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RequestFulfilledV1, memberIdFor } from '@mutuo/contracts';
import { connectNats, deadLetterStreamName } from '@mutuo/messaging';
import {
  IntegrationEventPublisher,
  PrivatePostgres,
  TEST_NATS_URL,
  natsTestPrefix,
  queryDatabase,
  startServiceUnderTest,
  waitFor,
  type ServiceUnderTest,
} from '@mutuo/testing';
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { fundsService } from '../src/funds.service';

const REGION = 'test-region';
/** As long as a failover may take: before, five deliveries (1 + 2 + 4 + 8 s of backoff) were spent in 15 s. */
const OUTAGE_MS = 60_000;
const MINUTES_PER_FULFILMENT = 15;

/**
 * The funds service credits helpers' hours from `requests.request-fulfilled.v1` while its PostgreSQL is down for a
 * minute (a private cluster, stopped and started again): every fulfilment is credited once, none dead-lettered.
 */
describe('funds through a database outage (real PostgreSQL and NATS)', () => {
  let cluster: PrivatePostgres;
  let funds: ServiceUnderTest;
  let producers: IntegrationEventPublisher;
  const prefix = natsTestPrefix();
  const podA = randomUUID();
  const [ana, bo] = ['ana', 'bo'].map((name) => memberIdFor(podA, `person-${name}`)) as [string, string];

  beforeAll(async () => {
    cluster = await PrivatePostgres.start();
    funds = await startServiceUnderTest(fundsService, {
      databasePrefix: 'funds_outage',
      appRole: 'mutuo_funds_app',
      env: { REGION },
      natsPrefix: prefix,
      postgresUrl: cluster.url(),
    });
    producers = await IntegrationEventPublisher.connect(prefix, REGION);
    await producers.publish(PodCreatedV1, podA, `pod:${podA}:${podA}`, {
      podId: podA,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
  }, 120_000);

  afterAll(async () => {
    if (!cluster.isRunning) await cluster.restart();
    await producers?.close();
    await funds?.stop();
    await cluster.destroy();
  }, 60_000);

  const adminQuery = <Row>(sql: string, params: unknown[] = []) => queryDatabase<Row>(funds.db.adminUrl, sql, params);
  const helperMinutes = async () =>
    Number(
      (await adminQuery<{ balance_minor: string }>(`select balance_minor from accounts where kind = 'member-time' and member_id = $1`, [bo]))[0]
        ?.balance_minor ?? 0,
    );

  async function fulfil(): Promise<void> {
    const requestId = randomUUID();
    await producers.publish(RequestFulfilledV1, podA, `request:${podA}:${requestId}`, {
      requestId,
      podId: podA,
      fulfilmentId: randomUUID(),
      requesterMemberId: ana,
      helperMemberIds: [bo],
      contributions: [{ helperMemberId: bo, minutes: MINUTES_PER_FULFILMENT }],
      hoursGivenMinutes: MINUTES_PER_FULFILMENT,
      confirmedBy: 'requester',
      confirmedByMemberId: ana,
      category: 'groceries',
      postedAt: '2026-11-20T09:00:00.000Z',
      firstMatchedAt: '2026-11-20T10:00:00.000Z',
      fulfilledAt: new Date().toISOString(),
    });
  }

  async function deadLetters(): Promise<number> {
    const nc = await connectNats(TEST_NATS_URL, 'funds-outage-spec');
    try {
      return (await (await jetstreamManager(nc)).streams.info(deadLetterStreamName(prefix))).state.messages;
    } catch (error) {
      if (error instanceof JetStreamApiError) return 0;
      throw error;
    } finally {
      await nc.close();
    }
  }

  it('credits every fulfilment once after PostgreSQL was down for 60 s under load, dead-lettering none', async () => {
    let fulfilments = 0;
    for (; fulfilments < 3; fulfilments++) await fulfil();
    await waitFor(async () => (await helperMinutes()) === 3 * MINUTES_PER_FULFILMENT, { description: 'hours credited before the outage', timeoutMs: 30_000 });

    await cluster.stop();
    const outageStarted = Date.now();
    while (Date.now() - outageStarted < OUTAGE_MS) {
      await fulfil();
      fulfilments++;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await cluster.restart();
    for (let i = 0; i < 3; i++, fulfilments++) await fulfil();

    await waitFor(async () => (await helperMinutes()) === fulfilments * MINUTES_PER_FULFILMENT, {
      description: `all ${fulfilments * MINUTES_PER_FULFILMENT} helper minutes credited`,
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(await deadLetters()).toBe(0);
    const transfers = await adminQuery<{ n: number; requests: number }>(
      `select count(*)::int as n, count(distinct request_id)::int as requests from transfers where kind = 'time-exchange'`,
    );
    expect(transfers).toEqual([{ n: fulfilments, requests: fulfilments }]);
  }, 300_000);
});
