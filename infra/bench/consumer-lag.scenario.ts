import { RequestPostedV1 } from '@mutuo/contracts';
import { AppendListener, query } from '@mutuo/event-store';
import { EventConsumer, NATS_MSG_ID_HEADER, OutboxRelay, ensureStreams, stderrLogger, type EventHandler } from '@mutuo/messaging';
import { jetstream } from '@nats-io/jetstream';
import { waitFor } from '@mutuo/testing';
import type { BenchEnvironment, CleanupStack } from './bench-environment';
import { PRODUCING_SERVICE, newRequestStream, requestsEventStore, skipToEndOfEvents } from './request-events';
import { RELAY_BATCH_SIZE, relayName } from './relay.scenario';
import { nowMs, summarize, type LatencySummary } from './statistics';

export interface ConsumerLagOptions {
  readonly eventsPerSecond: number;
  readonly durationMs: number;
  /** Appends started per tick; the tick interval follows from the rate. */
  readonly eventsPerTick: number;
  /**
   * Whether the append wakes the relay, as in the service that appends (default). Off, the relay stands for the
   * leader in another instance of the service, which no in-process nudge reaches.
   */
  readonly nudge?: boolean;
  /**
   * Wire the relay as a service does (libs/service-kit startService): the longest idle pause between its polls, and
   * an AppendListener that wakes it on any append. Default: polling every 200 ms, no listener.
   */
  readonly asService?: { readonly idlePollIntervalMs: number };
  /** The consumer's durable name suffix, when two runs share a rate. Default: the rate. */
  readonly label?: string;
}

/** p50 and p99 in milliseconds of one leg of the path. */
export interface StageLatency {
  readonly p50: number;
  readonly p99: number;
}

export interface ConsumerLagResult {
  readonly options: ConsumerLagOptions;
  readonly appended: number;
  /** Events appended per second, from the first append's start to the last append's commit. */
  readonly achievedPerSecond: number;
  /** Events handled per second, from the first append's start to the last handler call. */
  readonly handledPerSecond: number;
  /** Milliseconds from the event's `time` (set just before its append) to the handler being called. */
  readonly lag: LatencySummary;
  /** Where the lag comes from: `time` → row written, row written → stored by JetStream, stored → handler called. */
  readonly stages: { readonly append: StageLatency; readonly relay: StageLatency; readonly delivery: StageLatency };
  /** Appends still running when a tick was due: how far the producer fell behind. */
  readonly maxAppendsInFlight: number;
  /** CPU time of this Node process per wall-clock second while events flowed (1 = one core busy). */
  readonly nodeCpuCores: number;
}

/** Appends in flight beyond which the producer waits instead of piling up connections. */
const MAX_APPENDS_IN_FLIGHT = 200;

/**
 * The whole path at a steady rate, in one process as in one service: single-event appends (each a
 * new stream, as independent commands would) nudging the OutboxRelay as services wire it, JetStream,
 * and an EventConsumer whose handler writes a read-model row inside the inbox transaction.
 */
export async function measureConsumerLag(env: BenchEnvironment, cleanup: CleanupStack, options: ConsumerLagOptions): Promise<ConsumerLagResult> {
  await ensureStreams(env.jsm, { prefix: env.prefix, services: [PRODUCING_SERVICE], replicas: env.replicas });
  await env.jsm.streams.purge(env.eventStream);
  // Earlier scenarios' events count as published, so the relay and the stage figures cover this run's events only.
  await skipToEndOfEvents(env.orm.em.fork(), relayName(env));
  await query(env.orm.em.fork(), 'truncate bench_handled_events');

  const lagByEvent = new Map<string, number>();
  let lastHandled = 0;
  const handler: EventHandler = async (event) => {
    const now = Date.now();
    // A redelivered event keeps the lag of its first handling.
    if (!lagByEvent.has(event.id)) lagByEvent.set(event.id, now - Date.parse(event.time));
    lastHandled = nowMs();
    await query(event.em, 'insert into bench_handled_events (event_id, handled_at) values (?, ?)', [event.id, new Date(now).toISOString()]);
  };
  const consumer = new EventConsumer({
    nats: env.nc,
    // A durable of its own per run: each run reads only its own events.
    consumer: `bench-lag-${options.label ?? options.eventsPerSecond}`,
    entityManager: env.orm.em,
    handlers: new Map([[RequestPostedV1.type, handler]]),
    prefix: env.prefix,
    logger: stderrLogger,
    provision: { replicas: env.replicas },
  });
  const relay = new OutboxRelay({
    entityManager: env.orm.em,
    nats: env.nc,
    lockConnection: env.databaseUrl,
    lockName: relayName(env),
    batchSize: RELAY_BATCH_SIZE,
    idlePollIntervalMs: options.asService?.idlePollIntervalMs,
    logger: stderrLogger,
  });
  const listener = options.asService ? new AppendListener({ connection: env.databaseUrl, onAppended: () => relay.nudge() }) : undefined;
  const stopAll = async () => {
    await listener?.stop();
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
    await consumer.close();
  };
  cleanup.defer(`stop the ${options.label ?? options.eventsPerSecond} ev/s relay and consumer`, stopAll);
  try {
    await consumer.start();
    relay.start();
    listener?.start();
    const store = requestsEventStore(env.prefix, options.nudge === false ? undefined : () => relay.nudge());

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
    const cpuAtStart = process.cpuUsage();
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

    await waitFor(() => lagByEvent.size >= appended, {
      description: `the consumer to handle ${appended} events`,
      timeoutMs: 90_000,
      intervalMs: 20,
    });
    const handledPerSecond = (appended * 1000) / (lastHandled - started);
    const cpu = process.cpuUsage(cpuAtStart);
    const nodeCpuCores = (cpu.user + cpu.system) / 1000 / (lastHandled - started);
    return {
      options,
      appended,
      achievedPerSecond,
      handledPerSecond,
      lag: summarize([...lagByEvent.values()]),
      stages: await stageLatencies(env, appended),
      maxAppendsInFlight,
      nodeCpuCores,
    };
  } finally {
    await stopAll();
  }
}

/**
 * When JetStream stored each event (its message timestamp), read back through an ordered consumer:
 * the relay keeps no per-event "sent" time, it only moves its checkpoint.
 */
async function storedTimes(env: BenchEnvironment, count: number): Promise<{ event_id: string; stored_ms: number }[]> {
  const consumer = await jetstream(env.nc).consumers.get(env.eventStream);
  const stored: { event_id: string; stored_ms: number }[] = [];
  const messages = await consumer.consume();
  for await (const message of messages) {
    stored.push({ event_id: message.headers?.get(NATS_MSG_ID_HEADER) ?? '', stored_ms: message.info.timestampNanos / 1e6 });
    if (stored.length >= count || message.info.pending === 0) break;
  }
  return stored;
}

/** The legs of the path from the rows left behind and the stream (PostgreSQL, NATS and Node share the machine's clock). */
async function stageLatencies(env: BenchEnvironment, appended: number): Promise<ConsumerLagResult['stages']> {
  const stored = await storedTimes(env, appended);
  const [row] = await query<Record<'append' | 'relay' | 'delivery', number[]>>(
    env.orm.em.fork(),
    `with stored as (
       select * from jsonb_to_recordset(?::jsonb) as s(event_id uuid, stored_ms float8)
     ),
     legs as (
       select extract(epoch from e.recorded_at - (e.metadata->>'occurredAt')::timestamptz) * 1000 as append,
              s.stored_ms - extract(epoch from e.recorded_at) * 1000 as relay,
              extract(epoch from h.handled_at) * 1000 - s.stored_ms as delivery
       from stored s
       join mutuo_events e using (event_id)
       join bench_handled_events h using (event_id)
     )
     select percentile_cont(array[0.5, 0.99]) within group (order by append) as append,
            percentile_cont(array[0.5, 0.99]) within group (order by relay) as relay,
            percentile_cont(array[0.5, 0.99]) within group (order by delivery) as delivery
     from legs`,
    [JSON.stringify(stored)],
  );
  const stage = (values: number[] | undefined): StageLatency => ({ p50: values?.[0] ?? Number.NaN, p99: values?.[1] ?? Number.NaN });
  return { append: stage(row?.append), relay: stage(row?.relay), delivery: stage(row?.delivery) };
}
