import { randomUUID } from 'node:crypto';
import { ALL_CONTRACTS, ContractRegistry, RequestPostedV1, defineContract } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  EventConsumer,
  connectNats,
  deadLetterStreamName,
  eventContext,
  eventSubject,
  readDeadLetterHeaders,
  silentLogger,
  supportsMultipleFilterSubjects,
  type EventHandler,
} from '../src';
import { SHARED_NATS_URL, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { REGION, requestPostedCloudEvent } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(60_000);

const RequestWithdrawnV1 = defineContract({
  service: 'requests',
  name: 'request-withdrawn',
  version: 1,
  schema: z.object({ requestId: z.uuid(), podId: z.uuid() }),
});
const registry = new ContractRegistry([...ALL_CONTRACTS, RequestWithdrawnV1]);

const HANDLED_SQL = `
create table handled_requests (
  id serial primary key,
  event_id uuid not null,
  request_id uuid not null,
  title text not null,
  stream_version int not null,
  pod_setting text,
  correlation_id text,
  causation_id text
);`;

interface HandledRow {
  event_id: string;
  request_id: string;
  title: string;
  stream_version: number;
  pod_setting: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

describe('EventConsumer', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let prefix: string;
  const consumers: EventConsumer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(HANDLED_SQL);
    nc = await connectNats(SHARED_NATS_URL, 'event-consumer-spec');
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
    await deleteStreams(nc, prefix);
    await db.sql('truncate handled_requests, mutuo_inbox');
  });

  afterAll(async () => {
    await nc.drain();
    await db.drop();
  });

  /** Records the effect of a request-posted event, with the transaction's pod and the event context. */
  const recordRequest: EventHandler<z.output<typeof RequestPostedV1.schema>> = async (event) => {
    const context = eventContext.require();
    await query(
      event.em,
      `insert into handled_requests (event_id, request_id, title, stream_version, pod_setting, correlation_id, causation_id)
       values (?, ?, ?, ?, current_setting('mutuo.pod_id', true), ?, ?)`,
      [event.id, event.data.requestId, event.data.title, event.streamVersion, context.correlationId, context.causationId],
    );
  };

  async function startConsumer(handlers: Record<string, EventHandler<never>>, overrides: Partial<ConstructorParameters<typeof EventConsumer>[0]> = {}) {
    const consumer = new EventConsumer({
      nats: nc,
      consumer: 'matching',
      prefix,
      entityManager: db.em,
      handlers: new Map(Object.entries(handlers)) as Map<string, EventHandler>,
      registry,
      maxDeliveries: 4,
      retryBackoff: { initialMs: 100, maxMs: 1_000, jitter: 0 },
      logger: silentLogger,
      ...overrides,
    });
    await consumer.start();
    consumers.push(consumer);
    return consumer;
  }

  const requestPostedEvent = requestPostedCloudEvent;

  async function publish(body: string | object, type: string = RequestPostedV1.type, podId: string | null = null, msgID = randomUUID()) {
    const subject = eventSubject({ prefix, region: REGION, podId, type });
    await js.publish(subject, typeof body === 'string' ? body : JSON.stringify(body), { msgID });
    return subject;
  }

  /** Dead-lettered messages are terminated, not left to time out and come back. */
  async function expectNothingAwaitingAck(): Promise<void> {
    await waitFor(async () => (await jsm.consumers.info(`${prefix.toUpperCase()}_REQUESTS_EVENTS`, 'matching')).num_ack_pending === 0, {
      what: 'every message to be acknowledged or terminated',
      timeoutMs: 3_000,
    });
  }

  const handledRows = () => db.sql<HandledRow>('select * from handled_requests order by id');

  it('handles an event delivered twice only once, inside a transaction scoped to its pod', async () => {
    const globalEmJoined: boolean[] = [];
    const consumer = await startConsumer({
      [RequestPostedV1.type]: async (event) => {
        // MikroORM's transaction context: code using the global EntityManager writes in the inbox transaction.
        globalEmJoined.push(db.em.getContext() === event.em);
        await recordRequest(event as never);
      },
    });
    const podId = randomUUID();
    const event = requestPostedEvent(podId);
    await publish(event, RequestPostedV1.type, podId);
    await publish(event, RequestPostedV1.type, podId); // same CloudEvent, new Nats-Msg-Id: stored twice
    await waitFor(() => consumer.stats().handled + consumer.stats().duplicates === 2, { what: 'both deliveries' });

    const rows = await handledRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_id: event.id, pod_setting: podId, correlation_id: 'corr-1', causation_id: event.id });
    expect(consumer.stats()).toMatchObject({ handled: 1, duplicates: 1, deadLettered: 0 });
    expect(globalEmJoined).toEqual([true]);
  });

  it('retries a failing handler with growing delays, then dead-letters it with the error as reason', async () => {
    const deliveries: { count: number; at: number }[] = [];
    const consumer = await startConsumer({
      [RequestPostedV1.type]: async (event) => {
        deliveries.push({ count: event.delivery.deliveryCount, at: Date.now() });
        throw new Error('matching database unavailable');
      },
    });
    const podId = randomUUID();
    const event = requestPostedEvent(podId);
    const subject = await publish(event, RequestPostedV1.type, podId);
    await waitFor(() => consumer.stats().deadLettered === 1, { what: 'dead-lettering' });

    expect(deliveries.map((delivery) => delivery.count)).toEqual([1, 2, 3, 4]);
    const gaps = deliveries.slice(1).map((delivery, index) => delivery.at - deliveries[index]!.at);
    // Backoff 100, 200, 400 ms (no jitter here); the server adds a little on top.
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(180);
    expect(gaps[2]).toBeGreaterThanOrEqual(360);

    const [letter, ...more] = await readStream(jsm, deadLetterStreamName(prefix));
    expect(more).toHaveLength(0);
    expect(letter!.subject).toBe(`${prefix}.dlq.matching.handler-failed`);
    expect(readDeadLetterHeaders(letter!.header)).toMatchObject({
      kind: 'handler-failed',
      reason: 'Handler failed 4 times: matching database unavailable',
      consumer: 'matching',
      deliveryCount: 4,
      originalSubject: subject,
      eventId: event.id,
      eventType: RequestPostedV1.type,
    });
    expect(JSON.parse(letter!.string())).toEqual(event);
    expect(await handledRows()).toHaveLength(0);
    await expectNothingAwaitingAck();
  });

  it("counts only the handler's own refusals toward the dead-letter limit, holding the delivery through conflicts", async () => {
    const attempts: { outcome: string; deliveryCount: number }[] = [];
    const serializationFailure = () => Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    const consumer = await startConsumer(
      {
        [RequestPostedV1.type]: async (event) => {
          const title = (event.data as { title: string }).title;
          // "conflicts": six serialization failures, more than maxDeliveries (4), then handled.
          // "refuses": five serialization failures, then refusals until dead-lettered.
          const transient = attempts.filter((attempt) => attempt.outcome === `${title}:conflict`).length;
          if (transient < (title === 'conflicts' ? 6 : 5)) {
            attempts.push({ outcome: `${title}:conflict`, deliveryCount: event.delivery.deliveryCount });
            throw serializationFailure();
          }
          if (title === 'refuses') {
            attempts.push({ outcome: `${title}:refused`, deliveryCount: event.delivery.deliveryCount });
            throw new Error('refused');
          }
          await recordRequest(event as never);
        },
      },
      { transientRetryBackoff: { initialMs: 20, maxMs: 50, jitter: 0 } },
    );
    const podId = randomUUID();
    const conflicting = requestPostedEvent(podId, randomUUID(), 1, 'conflicts');
    const refused = requestPostedEvent(podId, randomUUID(), 1, 'refuses');
    await publish(conflicting, RequestPostedV1.type, podId);
    await publish(refused, RequestPostedV1.type, podId);
    await waitFor(() => consumer.stats().handled === 1 && consumer.stats().deadLettered === 1, { what: 'one handled, one dead-lettered' });

    expect((await handledRows()).map((row) => row.event_id)).toEqual([conflicting.id]);
    // Conflicts were retried within the same delivery: none of them cost a delivery.
    expect(attempts.filter((attempt) => attempt.outcome.endsWith(':conflict')).map((attempt) => attempt.deliveryCount)).toEqual(Array(11).fill(1));
    expect(attempts.filter((attempt) => attempt.outcome === 'refuses:refused')).toHaveLength(4);
    expect(consumer.stats()).toMatchObject({ transientFailures: 11, retried: 3, deadLettered: 1 });
    const letters = (await readStream(jsm, deadLetterStreamName(prefix))).map((letter) => readDeadLetterHeaders(letter.header));
    expect(letters.map((letter) => [letter.eventId, letter.reason])).toEqual([[refused.id, 'Handler failed 4 times: refused']]);
    await expectNothingAwaitingAck();
  });

  it('dead-letters malformed messages with a reason and goes on with the next valid one', async () => {
    const consumer = await startConsumer({
      [RequestPostedV1.type]: recordRequest,
      [RequestWithdrawnV1.type]: async () => undefined,
    });
    const podId = randomUUID();
    const valid = requestPostedEvent(podId);
    const { id: _id, ...withoutId } = requestPostedEvent(podId);
    const wrongPod = requestPostedEvent(randomUUID());
    const invalidData = { ...requestPostedEvent(podId), data: { ...(valid.data as object), urgency: 'whenever', title: '' } };
    const nextVersion = { ...requestPostedEvent(podId), type: 'requests.request-posted.v2' };

    await publish('this is not json', RequestPostedV1.type, podId);
    await publish(withoutId, RequestPostedV1.type, podId);
    await publish(wrongPod, RequestPostedV1.type, podId);
    await publish(invalidData, RequestPostedV1.type, podId);
    const versionDelivered = !supportsMultipleFilterSubjects(nc);
    // With one filter per type (nats-server 2.10+) a version nobody handles is not even delivered.
    await publish(nextVersion, 'requests.request-posted.v2', podId);
    await publish(valid, RequestPostedV1.type, podId);

    const expectedLetters = versionDelivered ? 5 : 4;
    await waitFor(() => consumer.stats().handled === 1 && consumer.stats().deadLettered === expectedLetters, {
      what: 'dead letters and the valid event',
    });
    const letters = (await readStream(jsm, deadLetterStreamName(prefix))).map((letter) => readDeadLetterHeaders(letter.header));
    expect(letters.map((letter) => [letter.kind, letter.reason])).toEqual([
      ['invalid-envelope', expect.stringMatching(/^Message body is not JSON/)],
      ['invalid-envelope', expect.stringMatching(/^Invalid CloudEvent: id: /)],
      ['invalid-envelope', expect.stringMatching(new RegExp(`names pod ${podId}, but the event says ${wrongPod.podid}`))],
      ['invalid-data', expect.stringMatching(/title: .+; urgency: /)],
      ...(versionDelivered ? [['unknown-version', 'requests.request-posted.v2: this consumer handles only v1']] : []),
    ]);
    expect((await handledRows()).map((row) => row.event_id)).toEqual([valid.id]);
    await expectNothingAwaitingAck();
  });

  it('handles the events of one aggregate in order while other aggregates run concurrently', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const consumer = await startConsumer(
      {
        [RequestPostedV1.type]: async (event) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));
          running--;
          await recordRequest(event as never);
        },
      },
      { concurrency: 4 },
    );
    const podId = randomUUID();
    const requestIds = [randomUUID(), randomUUID(), randomUUID()];
    for (let version = 1; version <= 5; version++) {
      for (const requestId of requestIds) await publish(requestPostedEvent(podId, requestId, version, `#${version}`), RequestPostedV1.type, podId);
    }
    await waitFor(() => consumer.stats().handled === 15, { what: '15 handled events' });

    const rows = await handledRows();
    for (const requestId of requestIds) {
      expect(rows.filter((row) => row.request_id === requestId).map((row) => row.stream_version)).toEqual([1, 2, 3, 4, 5]);
    }
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
  });

  it('closes at once when closed right after start, before its loops have subscribed', async () => {
    const consumer = await startConsumer({ [RequestPostedV1.type]: recordRequest as never });
    consumers.splice(consumers.indexOf(consumer), 1);
    const closed = consumer.close().then(() => 'closed' as const);
    const outcome = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000).unref())]);

    expect(outcome).toBe('closed');
    expect(consumer.stats().running).toBe(false);
  });

  it('lets a handler in progress finish and acknowledges it when closed', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await startConsumer({
      [RequestPostedV1.type]: async (event) => {
        release();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await recordRequest(event as never);
      },
    });
    const podId = randomUUID();
    await publish(requestPostedEvent(podId), RequestPostedV1.type, podId);
    await started;
    await consumer.close();
    consumers.splice(consumers.indexOf(consumer), 1);

    expect(await handledRows()).toHaveLength(1);
    const info = await jsm.consumers.info(`${prefix.toUpperCase()}_REQUESTS_EVENTS`, 'matching');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('refuses to start with a handler for a type that has no contract', async () => {
    await expect(startConsumer({ 'requests.request-teleported.v1': async () => undefined })).rejects.toThrow(
      /handles requests\.request-teleported\.v1, which has no contract: Unknown event type/,
    );
  });
});
