/**
 * The cluster path: relay publish rate and consumer lag with streams at R=3 on a local 3-node nats-server cluster
 * against R=1 on a single local nats-server, interleaved in one run; then the stall a SIGKILLed stream leader costs.
 * See docs/benchmarks.md ("Cluster").
 *
 *   npm run bench:cluster                        full run (about 5 minutes), rewrites its section of docs/benchmarks.md
 *   MUTUO_BENCH_SCALE=0.2 npm run bench:cluster  smaller samples and one kill, for trying changes; docs untouched
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '@mutuo/messaging';
import { NATS_SERVER_BINARY, NatsCluster } from '@mutuo/testing';
import { writeBenchSection } from './bench-child-process';
import { CleanupStack, openBenchEnvironment, type BenchEnvironment } from './bench-environment';
import { renderClusterResults, CLUSTER_MARKERS, CLUSTER_METHOD, type ClusterSide } from './cluster-report';
import { measureConsumerLag, type ConsumerLagResult } from './consumer-lag.scenario';
import { measureFailoverStall } from './failover-stall.scenario';
import { measureRelayThroughput } from './relay.scenario';
import { median, nowMs } from './statistics';

const DOCUMENT = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
/** Appends per second for the lag: low enough that a loaded 2-core machine does not queue (latency, not saturation). */
const LAG_RATE = 100;

function readScale(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new Error(`MUTUO_BENCH_SCALE must be a number above 0 and at most 10 (got "${value}")`);
  return scale;
}

function progress(message: string): void {
  process.stderr.write(`[bench:cluster] ${message}\n`);
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

async function main(cleanup: CleanupStack): Promise<void> {
  const scale = readScale(process.env.MUTUO_BENCH_SCALE);
  const scaled = (count: number, minimum: number) => Math.max(minimum, Math.round(count * scale));
  const startedAt = new Date();
  const started = nowMs();
  const loadAtStart = load();

  const single = await NatsCluster.start({ size: 1 });
  cleanup.defer('stop the single nats-server', () => single.stop());
  const cluster = await NatsCluster.start({ size: 3 });
  cleanup.defer('stop the 3-node NATS cluster', () => cluster.stop());
  const sides: Record<'r1' | 'r3', BenchEnvironment> = {
    r1: await openBenchEnvironment(cleanup, { natsUrl: single.url, replicas: 1 }),
    r3: await openBenchEnvironment(cleanup, { natsUrl: cluster.url, replicas: 3 }),
  };
  progress(`R=1 on ${single.url}, R=3 on ${cluster.url}; load ${loadAtStart}`);

  // A B B A: each side runs first as often as second, so drift in the machine's load hits both alike.
  const order: ('r1' | 'r3')[] = ['r1', 'r3', 'r3', 'r1'];
  const relay = { r1: [] as number[], r3: [] as number[] };
  const raw = { r1: [] as number[], r3: [] as number[] };
  const events = scaled(10_000, 1_000);
  for (const [index, side] of order.entries()) {
    progress(`relay ${index + 1}/${order.length}: ${events} events at R=${sides[side].replicas}`);
    const result = await measureRelayThroughput(sides[side], cleanup, { events, repetitions: 1 });
    relay[side].push(result.relayMedian);
    raw[side].push(result.rawMedian);
  }
  const lag = { r1: [] as ConsumerLagResult[], r3: [] as ConsumerLagResult[] };
  for (const [index, side] of order.entries()) {
    progress(`consumer lag ${index + 1}/${order.length}: ${LAG_RATE} ev/s at R=${sides[side].replicas}`);
    lag[side].push(await measureConsumerLag(sides[side], cleanup, { eventsPerSecond: LAG_RATE, durationMs: scaled(10_000, 2_000), eventsPerTick: 2 }));
  }
  const kills = scale >= 1 ? 3 : 1;
  progress(`failover: ${kills} kill(s) of the stream leader at 100 appends/s`);
  const stall = await measureFailoverStall(sides.r3, cluster, cleanup, { kills, eventsPerSecond: 100 });

  const side = (key: 'r1' | 'r3'): ClusterSide => ({
    replicas: sides[key].replicas,
    relayPerSecond: relay[key],
    rawPerSecond: raw[key],
    relayMedian: median(relay[key]),
    rawMedian: median(raw[key]),
    lagP50: median(lag[key].map((run) => run.lag.p50)),
    lagP95: median(lag[key].map((run) => run.lag.p95)),
    lagRuns: lag[key],
  });
  const section = renderClusterResults({
    startedAt,
    durationSeconds: (nowMs() - started) / 1000,
    load: { start: loadAtStart, end: load() },
    machine: sides.r1.machine,
    natsServer: execFileSync(NATS_SERVER_BINARY, ['--version']).toString().trim(),
    events,
    lagRate: LAG_RATE,
    r1: side('r1'),
    r3: side('r3'),
    stall,
  });
  process.stdout.write(`${section}\n`);
  if (scale === 1) {
    writeBenchSection(DOCUMENT, CLUSTER_MARKERS, CLUSTER_METHOD, section);
    progress(`results written to ${DOCUMENT}`);
  } else {
    progress('scaled run: docs/benchmarks.md left as it was');
  }
}

const cleanup = new CleanupStack();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: removing the benchmark databases, streams and NATS servers`);
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
