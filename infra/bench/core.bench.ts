/**
 * Platform-core benchmark: event-store appends, outbox relay and consumer lag against bare
 * PostgreSQL and JetStream on the same machine, in one run. See docs/benchmarks.md.
 *
 *   npm run bench:core                      full run (about 2–3 minutes), rewrites docs/benchmarks.md
 *   MUTUO_BENCH_SCALE=0.2 npm run bench:core  smaller sample sizes, for trying changes; docs untouched
 */
import { join } from 'node:path';
import { errorMessage } from '@mutuo/messaging';
import { measureAppendLatency, measureBatchThroughput } from './append.scenario';
import { CleanupStack, openBenchEnvironment } from './bench-environment';
import { renderResults, writeResultsSection } from './benchmark-report';
import { measureConsumerLag } from './consumer-lag.scenario';
import { measureRelayThroughput } from './relay.scenario';
import { payloadSizes } from './request-events';
import { nowMs } from './statistics';

const DOCUMENT = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

function readScale(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new Error(`MUTUO_BENCH_SCALE must be a number above 0 and at most 10 (got "${value}")`);
  }
  return scale;
}

function progress(message: string): void {
  process.stderr.write(`[bench:core] ${message}\n`);
}

async function main(cleanup: CleanupStack): Promise<void> {
  const scale = readScale(process.env.MUTUO_BENCH_SCALE);
  const scaled = (count: number, minimum: number) => Math.max(minimum, Math.round(count * scale));
  const startedAt = new Date();
  const started = nowMs();

  const env = await openBenchEnvironment(cleanup);
  progress(`database ${env.databaseName}, NATS prefix ${env.prefix}`);

  progress('1/4 single-event append latency against a bare INSERT');
  const latency = await measureAppendLatency(env, { samples: scaled(2_000, 50), warmup: scaled(200, 20) });

  progress('2/4 batched append throughput against a multi-row INSERT');
  const batch = await measureBatchThroughput(env, { events: scaled(20_000, 1_000), eventsPerCall: 100, warmupCalls: scaled(10, 2) });

  progress('3/4 outbox relay throughput against raw JetStream publishing');
  const relay = await measureRelayThroughput(env, cleanup, { events: scaled(20_000, 1_000), repetitions: 3 });

  progress('4/4 consumer lag at a steady 1,000 ev/s, then at 250 ev/s for reference');
  const lag = await measureConsumerLag(env, cleanup, { eventsPerSecond: 1_000, durationMs: scaled(10_000, 2_000), eventsPerTick: 10 });
  const lagReference = await measureConsumerLag(env, cleanup, { eventsPerSecond: 250, durationMs: scaled(5_000, 2_000), eventsPerTick: 5 });

  const section = renderResults({
    startedAt,
    durationSeconds: (nowMs() - started) / 1000,
    scale,
    machine: env.machine,
    payload: payloadSizes(env.prefix),
    latency,
    batch,
    relay,
    lag,
    lagReference,
  });
  process.stdout.write(`${section}\n`);
  if (scale === 1) {
    writeResultsSection(DOCUMENT, section);
    progress(`results written to ${DOCUMENT}`);
  } else {
    progress('scaled run: docs/benchmarks.md left as it was');
  }
}

const cleanup = new CleanupStack();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: removing the benchmark database and streams`);
    void cleanup.run().finally(() => process.exit(130));
  });
}
void main(cleanup)
  .then(
    () => 0,
    (error: unknown) => {
      progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanup.run();
    process.exit(code);
  })
  .catch((error: unknown) => {
    progress(`cleanup failed: ${errorMessage(error)}`);
    process.exit(1);
  });
