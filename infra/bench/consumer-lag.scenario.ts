import { RequestPostedV1 } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventConsumer, OutboxRelay, ensureStreams, stderrLogger, type EventHandler } from '@mutuo/messaging';
import { waitFor } from '@mutuo/testing';
import type { BenchEnvironment, CleanupStack } from './bench-environment';
import { PRODUCING_SERVICE, newRequestStream, requestsEventStore } from './request-events';
import { RELAY_BATCH_SIZE } from './relay.scenario';
import { nowMs, summarize, type LatencySummary } from './statistics';

export interface ConsumerLagOptions {
  readonly eventsPerSecond: number;
  readonly durationMs: number;
  /** Appends started per tick; the tick interval follows from the rate. */
  readonly eventsPerTick: number;
}

export interface ConsumerLagResult {
  readonly options: ConsumerLagOptions;
  readonly appended: number;
  /** Events appended per second, from the first append's start to the last append's commit. */
  readonly achievedPerSecond: number;
  /** Milliseconds from the event's `time` (set just before its append) to the handler being called. */
  readonly lag: LatencySummary;
  /** Appends still running when a tick was due: how far the producer fell behind. */
  readonly maxAppendsInFlight: number;
}

/** Appends in flight beyond which the producer waits instead of piling up connections. */
const MAX_APPENDS_IN_FLIGHT = 200;

/**
 * The whole path at a steady rate, in one process as in one service: single-event appends (each a
 * new stream, as independent commands would) nudging the OutboxRelay as services wire it, JetStream,
 * and an EventConsumer whose handler writes a read-model row inside the inbox transaction.
 */
export async function measureConsumerLag(env: BenchEnvironment, cleanup: CleanupStack, options: ConsumerLagOptions): Promise<ConsumerLagResult> {
  await ensureStreams(env.jsm, { prefix: env.prefix, services: [PRODUCING_SERVICE] });
  await env.jsm.streams.purge(env.eventStream);

  const lagByEvent = new Map<string, number>();
  const handler: EventHandler = async (event) => {
    const lagMs = Date.now() - Date.parse(event.time);
    if (!lagByEvent.has(event.id)) lagByEvent.set(event.id, lagMs);
    await query(event.em, 'insert into bench_handled_events (event_id, lag_ms) values (?, ?)', [event.id, lagMs]);
  };
  const consumer = new EventConsumer({
    nats: env.nc,
    consumer: 'bench-consumer',
    entityManager: env.orm.em,
    handlers: new Map([[RequestPostedV1.type, handler]]),
    prefix: env.prefix,
    logger: stderrLogger,
  });
  const relay = new OutboxRelay({
    entityManager: env.orm.em,
    nats: env.nc,
    lockConnection: env.databaseUrl,
    lockName: `mutuo:outbox-relay:${env.prefix}`,
    batchSize: RELAY_BATCH_SIZE,
    logger: stderrLogger,
  });
  const stopAll = async () => {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
    await consumer.close();
  };
  cleanup.defer('stop consumer-lag relay and consumer', stopAll);
  try {
    await consumer.start();
    relay.start();
    const store = requestsEventStore(env.prefix, () => relay.nudge());

    const tickMs = (options.eventsPerTick * 1000) / options.eventsPerSecond;
    const ticks = Math.round(options.durationMs / tickMs);
    const inFlight = new Set<Promise<void>>();
    let maxAppendsInFlight = 0;
    let appended = 0;
    let lastCommit = 0;
    let appendFailure: unknown;
    const appendOne = (): void => {
      const { streamId, events } = newRequestStream(1);
      const append: Promise<void> = store
        .append(env.orm.em.fork(), streamId, events, 'no_stream')
        .then(
          () => {
            appended++;
            lastCommit = nowMs();
          },
          (error: unknown) => {
            appendFailure ??= error;
          },
        )
        .finally(() => inFlight.delete(append));
      inFlight.add(append);
    };

    const started = nowMs();
    for (let tick = 0; tick < ticks; tick++) {
      // Due times are absolute, so a late tick does not push every later one back.
      const waitMs = started + tick * tickMs - nowMs();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      while (inFlight.size >= MAX_APPENDS_IN_FLIGHT) await Promise.race(inFlight);
      maxAppendsInFlight = Math.max(maxAppendsInFlight, inFlight.size);
      if (appendFailure) break;
      for (let i = 0; i < options.eventsPerTick; i++) appendOne();
    }
    await Promise.all(inFlight);
    if (appendFailure) throw appendFailure;
    const achievedPerSecond = (appended * 1000) / (lastCommit - started);

    await waitFor(() => lagByEvent.size >= appended, { description: `the consumer to handle ${appended} events`, timeoutMs: 60_000, intervalMs: 20 });
    return { options, appended, achievedPerSecond, lag: summarize([...lagByEvent.values()]), maxAppendsInFlight };
  } finally {
    await stopAll();
  }
}
