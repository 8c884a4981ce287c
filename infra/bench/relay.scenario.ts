import { randomUUID } from 'node:crypto';
import { query, type PendingEvent } from '@mutuo/event-store';
import { CLOUDEVENTS_CONTENT_TYPE, OutboxRelay, ensureStreams, stderrLogger } from '@mutuo/messaging';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { BenchEnvironment, CleanupStack } from './bench-environment';
import { PRODUCING_SERVICE, newRequestStream, requestsEventStore, requestsOutboxMapper, skipToEndOfEvents } from './request-events';
import { forEachConcurrently, median, nowMs } from './statistics';

/** The relay's default batch size; the raw publisher uses the same window. */
export const RELAY_BATCH_SIZE = 200;
const EVENTS_PER_APPEND = 100;
const PUBLISH_TIMEOUT_MS = 10_000;

export interface RelayThroughputResult {
  readonly events: number;
  readonly relayPerSecond: readonly number[];
  readonly rawPerSecond: readonly number[];
  readonly relayMedian: number;
  readonly rawMedian: number;
}

interface OutboxPayload {
  subject: string;
  payload: unknown;
}

/**
 * Per repetition: a backlog of `events` published events is appended, then (in alternating order)
 * an OutboxRelay drains it — timed from start() until flush() resolves — and a raw JetStream
 * publisher sends the same payloads in windows of the relay's batch size, awaiting every ack.
 * The stream is purged before each, so both write into the same kind of stream.
 */
export async function measureRelayThroughput(
  env: BenchEnvironment,
  cleanup: CleanupStack,
  options: { events: number; repetitions: number },
): Promise<RelayThroughputResult> {
  await ensureStreams(env.jsm, { prefix: env.prefix, services: [PRODUCING_SERVICE], replicas: env.replicas });
  const relayPerSecond: number[] = [];
  const rawPerSecond: number[] = [];
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const backlog = await fillOutbox(env, options.events);
    const phases = [
      async () => relayPerSecond.push(await timeRelay(env, cleanup, options.events, repetition)),
      async () => rawPerSecond.push(await timeRawPublish(env, backlog)),
    ];
    if (repetition % 2 === 1) phases.reverse();
    for (const phase of phases) {
      await env.jsm.streams.purge(env.eventStream);
      await phase();
      await expectStreamHolds(env, options.events);
    }
  }
  return {
    events: options.events,
    relayPerSecond,
    rawPerSecond,
    relayMedian: median(relayPerSecond),
    rawMedian: median(rawPerSecond),
  };
}

interface BacklogRow {
  event_id: string;
  stream_id: string;
  stream_position: number;
  pod_id: string | null;
  type: string;
  data: unknown;
  metadata: PendingEvent['metadata'];
}

/**
 * Moves the relay past everything stored (the previous backlog was sent), appends a new backlog and
 * returns, in the relay's order, the CloudEvents the outbox mapper checked at append (the relay builds
 * the same ones from the rows).
 */
async function fillOutbox(env: BenchEnvironment, events: number): Promise<OutboxPayload[]> {
  const em = env.orm.em.fork();
  await skipToEndOfEvents(em, relayName(env));
  const store = requestsEventStore(env.prefix);
  await forEachConcurrently(Math.ceil(events / EVENTS_PER_APPEND), 4, async () => {
    const { streamId, events: batch } = newRequestStream(EVENTS_PER_APPEND);
    await store.append(env.orm.em.fork(), streamId, batch, 'no_stream');
  });
  // Fresh statistics, as a long-lived event table would have.
  await query(em, 'analyze mutuo_events');
  const rows = await query<BacklogRow>(
    em,
    `select e.event_id, e.stream_id, e.stream_position, e.pod_id, e.type, e.data, e.metadata
     from mutuo_events e join mutuo_outbox_checkpoints c on c.relay = ?
     where e.publish_subject is not null and (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
     order by e.transaction_id, e.global_position`,
    [relayName(env)],
  );
  const mapper = requestsOutboxMapper(env.prefix);
  return rows.map((row) => {
    const message = mapper({
      eventId: row.event_id,
      streamId: row.stream_id,
      streamPosition: Number(row.stream_position),
      podId: row.pod_id,
      type: row.type,
      data: row.data,
      metadata: row.metadata,
    });
    if (!message) throw new Error(`Event ${row.event_id} has a subject but maps to no message`);
    return { subject: message.subject, payload: message.payload };
  });
}

/** The relay's lock and checkpoint name: one per benchmark run. */
export function relayName(env: BenchEnvironment): string {
  return `mutuo:outbox-relay:${env.prefix}`;
}

async function timeRelay(env: BenchEnvironment, cleanup: CleanupStack, events: number, repetition: number): Promise<number> {
  const relay = new OutboxRelay({
    entityManager: env.orm.em,
    nats: env.nc,
    lockConnection: env.databaseUrl,
    lockName: relayName(env),
    batchSize: RELAY_BATCH_SIZE,
    publishTimeoutMs: PUBLISH_TIMEOUT_MS,
    logger: stderrLogger,
  });
  cleanup.defer(`stop outbox relay #${repetition + 1}`, async () => {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
  });
  try {
    const started = nowMs();
    relay.start();
    await relay.flush(120_000);
    const elapsed = nowMs() - started;
    const { published } = await relay.stats();
    if (published !== events) throw new Error(`The relay published ${published} events, expected ${events}`);
    return (events * 1000) / elapsed;
  } finally {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
  }
}

/** What the relay does per batch minus the database: serialise, publish pipelined, await every ack. */
async function timeRawPublish(env: BenchEnvironment, backlog: readonly OutboxPayload[]): Promise<number> {
  const js = jetstream(env.nc, { timeout: PUBLISH_TIMEOUT_MS });
  // New ids: the relay's event ids are still inside the stream's duplicate window.
  const messageIds = backlog.map(() => randomUUID());
  const started = nowMs();
  for (let offset = 0; offset < backlog.length; offset += RELAY_BATCH_SIZE) {
    const window = backlog.slice(offset, offset + RELAY_BATCH_SIZE);
    const acks = await Promise.all(
      window.map((message, index) => {
        const headers = natsHeaders();
        headers.set('Content-Type', CLOUDEVENTS_CONTENT_TYPE);
        return js.publish(message.subject, JSON.stringify(message.payload), {
          msgID: messageIds[offset + index]!,
          headers,
          timeout: PUBLISH_TIMEOUT_MS,
          retries: 1,
        });
      }),
    );
    if (acks.some((ack) => ack.duplicate)) throw new Error('A raw publish was taken for a duplicate');
  }
  return (backlog.length * 1000) / (nowMs() - started);
}

async function expectStreamHolds(env: BenchEnvironment, events: number): Promise<void> {
  const info = await env.jsm.streams.info(env.eventStream);
  if (info.state.messages !== events) {
    throw new Error(`Stream ${env.eventStream} holds ${info.state.messages} messages after a run of ${events}`);
  }
}
