import type { BenchEnvironment } from './bench-environment';
import { insertBareRows, newRequestStream, requestsEventStore, type StreamEvents } from './request-events';
import { nowMs, summarize, type LatencySummary } from './statistics';

export interface AppendLatencyResult {
  readonly append: LatencySummary;
  readonly bare: LatencySummary;
}

export interface BatchThroughputResult {
  readonly eventsPerCall: number;
  readonly calls: number;
  /** Events per second over the time spent inside the calls. */
  readonly appendPerSecond: number;
  readonly barePerSecond: number;
}

type Variant = (events: StreamEvents) => Promise<void>;

/**
 * The two contenders, each on a fresh fork of the same MikroORM EntityManager (same pool) and
 * outside any transaction, so each call is one autocommitted statement.
 */
function contenders(env: BenchEnvironment): { append: Variant; bare: Variant } {
  const store = requestsEventStore(env.prefix);
  return {
    append: async (stream) => {
      await store.append(env.orm.em.fork(), stream.streamId, stream.events, 'no_stream');
    },
    bare: (stream) => insertBareRows(env.orm.em.fork(), stream),
  };
}

/**
 * Alternates the contenders A,B then B,A (ABBA) so that drift in machine load, caches and WAL
 * position hits both alike; returns each call's duration in milliseconds.
 */
async function interleaved(env: BenchEnvironment, rounds: number, eventsPerCall: number): Promise<{ append: number[]; bare: number[] }> {
  const { append, bare } = contenders(env);
  const timings = { append: [] as number[], bare: [] as number[] };
  const timeOne = async (name: 'append' | 'bare'): Promise<void> => {
    // Built before the clock starts: events a command would have produced anyway.
    const stream = newRequestStream(eventsPerCall);
    const started = nowMs();
    await (name === 'append' ? append : bare)(stream);
    timings[name].push(nowMs() - started);
  };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['append', 'bare'] as const) : (['bare', 'append'] as const);
    for (const name of order) await timeOne(name);
  }
  return timings;
}

/** One event per call, to a new stream with `no_stream`, with the outbox mapper — against a bare single-row INSERT. */
export async function measureAppendLatency(env: BenchEnvironment, options: { samples: number; warmup: number }): Promise<AppendLatencyResult> {
  await interleaved(env, options.warmup, 1);
  const timings = await interleaved(env, options.samples, 1);
  return { append: summarize(timings.append), bare: summarize(timings.bare) };
}

/** `eventsPerCall` events per call to a new stream — against one multi-row INSERT of as many rows. */
export async function measureBatchThroughput(
  env: BenchEnvironment,
  options: { events: number; eventsPerCall: number; warmupCalls: number },
): Promise<BatchThroughputResult> {
  await interleaved(env, options.warmupCalls, options.eventsPerCall);
  const calls = Math.ceil(options.events / options.eventsPerCall);
  const timings = await interleaved(env, calls, options.eventsPerCall);
  const perSecond = (durations: number[]) => (calls * options.eventsPerCall * 1000) / durations.reduce((sum, ms) => sum + ms, 0);
  return {
    eventsPerCall: options.eventsPerCall,
    calls,
    appendPerSecond: perSecond(timings.append),
    barePerSecond: perSecond(timings.bare),
  };
}
