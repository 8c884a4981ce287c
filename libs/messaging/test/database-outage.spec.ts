import { randomUUID } from 'node:crypto';
import { RequestPostedV1 } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { PrivatePostgres } from '@mutuo/testing';
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventConsumer, connectNats, deadLetterStreamName, eventSubject, type EventHandler, type MessagingLogger, type MutuoCloudEvent } from '../src';
import { SHARED_NATS_URL, deleteStreams, uniquePrefix, waitFor } from './support/nats-fixtures';
import { REGION, requestPostedCloudEvent } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** As long as a failover may take, and four times the old budget of five deliveries (1 + 2 + 4 + 8 s). */
const OUTAGE_MS = 60_000;
const PUBLISH_EVERY_MS = 200;

const HANDLED_SQL = 'create table handled_events (id serial primary key, event_id uuid not null, handled_at timestamptz not null default now());';

describe('EventConsumer through a database outage', () => {
  let cluster: PrivatePostgres;
  let db: TestDatabase;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  const prefix = uniquePrefix();
  let consumer: EventConsumer | undefined;
  const warnings: string[] = [];
  const logger: MessagingLogger = { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };

  beforeAll(async () => {
    cluster = await PrivatePostgres.start();
    db = await createTestDatabase(HANDLED_SQL, `postgres://postgres@127.0.0.1:${cluster.port}`);
    nc = await connectNats(SHARED_NATS_URL, 'database-outage-spec');
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  }, 120_000);

  afterAll(async () => {
    await consumer?.close();
    await deleteStreams(nc, prefix);
    await nc.drain();
    if (!cluster.isRunning) await cluster.restart();
    await db.drop();
    await cluster.destroy();
  }, 60_000);

  const recordEvent: EventHandler = async (event) => {
    await query(event.em, 'insert into handled_events (event_id) values (?)', [event.id]);
  };

  async function publish(event: MutuoCloudEvent): Promise<void> {
    await js.publish(eventSubject({ prefix, region: REGION, podId: event.podid ?? null, type: RequestPostedV1.type }), JSON.stringify(event), {
      msgID: randomUUID(),
    });
  }

  async function deadLetterCount(): Promise<number> {
    try {
      return (await jsm.streams.info(deadLetterStreamName(prefix))).state.messages;
    } catch (error) {
      if (error instanceof JetStreamApiError) return 0;
      throw error;
    }
  }

  it('pauses while PostgreSQL is down for 60 s under load, then handles every event exactly once and dead-letters none', async () => {
    // The defaults: five refusals allowed, 1 s doubling backoff. Before, the outage burned them in 15 s.
    consumer = new EventConsumer({
      nats: nc,
      consumer: 'funds',
      prefix,
      entityManager: db.em,
      handlers: new Map([[RequestPostedV1.type, recordEvent]]),
      logger,
    });
    await consumer.start();
    const podId = randomUUID();
    const published: string[] = [];
    const publishOne = async () => {
      const event = requestPostedCloudEvent(podId, randomUUID(), 1, `#${published.length + 1}`);
      published.push(event.id);
      await publish(event);
    };

    // Handled before the outage, but the acknowledgement was lost (a NATS restart): the inbox has them.
    const alreadyHandled = [requestPostedCloudEvent(podId), requestPostedCloudEvent(podId)];
    for (const event of alreadyHandled) {
      await db.sql('insert into mutuo_inbox (consumer, event_id) values ($1, $2)', ['funds', event.id]);
      await db.sql('insert into handled_events (event_id) values ($1)', [event.id]);
    }

    for (let i = 0; i < 10; i++) await publishOne();
    await waitFor(() => consumer!.stats().handled === 10, { what: 'the events before the outage', timeoutMs: 20_000 });

    // Steady load all through the outage.
    let publishing = true;
    const load = (async () => {
      while (publishing) {
        await publishOne();
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_EVERY_MS));
      }
    })();

    await cluster.stop();
    const outageStarted = Date.now();
    for (const event of alreadyHandled) await publish(event);
    await waitFor(() => consumer!.stats().paused, { what: 'the consumer to pause', timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    expect(consumer.stats()).toMatchObject({ paused: true, deadLettered: 0, retried: 0 });
    expect(consumer.stats().transientFailures).toBeGreaterThan(0);
    await cluster.restart();

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    publishing = false;
    await load;
    const expected = published.length + alreadyHandled.length;
    await waitFor(async () => (await db.sql<{ n: string }>('select count(*) as n from handled_events'))[0]!.n === String(expected), {
      what: `all ${expected} events handled`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await waitFor(() => consumer!.stats().duplicates >= alreadyHandled.length, { what: 'the redelivered events recognised', timeoutMs: 15_000 });

    const counts = await db.sql<{ event_id: string; n: string }>('select event_id, count(*) as n from handled_events group by event_id');
    expect(counts.filter((row) => row.n !== '1')).toEqual([]);
    expect(new Set(counts.map((row) => row.event_id))).toEqual(new Set([...published, ...alreadyHandled.map((event) => event.id)]));
    expect(await deadLetterCount()).toBe(0);
    expect(consumer.stats()).toMatchObject({ paused: false, deadLettered: 0, retried: 0 });
    expect(warnings).toContain('The database of consumer funds is unavailable: pausing until it answers');
    const info = await jsm.consumers.info(`${prefix.toUpperCase()}_REQUESTS_EVENTS`, 'funds');
    expect(info.config.max_deliver).toBe(-1);
    await waitFor(async () => (await jsm.consumers.info(`${prefix.toUpperCase()}_REQUESTS_EVENTS`, 'funds')).num_ack_pending === 0, {
      what: 'every message acknowledged',
      timeoutMs: 40_000,
      intervalMs: 500,
    });
  }, 240_000);
});
