/**
 * Idle cost: the CPU the whole platform (five services and the gateway, as processes) uses over 60 s with no traffic,
 * per process and in total, as a share of one core; the PostgreSQL backends serving it besides; and, for the price of
 * that idleness, the latency from an append to a consumer's handler when events come one at a time.
 * See the "Idle cost" section of docs/benchmarks.md.
 *
 *   npm run bench:idle                     about 2 minutes; rewrites the Idle cost results in docs/benchmarks.md
 *   MUTUO_IDLE_SECONDS=10 npm run bench:idle  a shorter window, for trying changes; docs untouched
 */
import { execFileSync } from 'node:child_process';
import { withPgClient } from '@mutuo/platform';
import { IDLE_POLL_INTERVAL_MS } from '@mutuo/service-kit';
import { TEST_POSTGRES_URL } from '@mutuo/testing';
import { publishBenchResults, runBenchmark } from './bench-child-process';
import { openBenchEnvironment, type CleanupStack } from './bench-environment';
import { startBenchPlatform } from './bench-platform';
import { measureConsumerLag, type ConsumerLagResult } from './consumer-lag.scenario';
import { measureCpuOver, type CpuWindow } from './process-cpu';
import { median } from './statistics';

const FULL_WINDOW_SECONDS = 60;
/** Long enough for V8 to finish collecting the garbage of start-up (its memory reducer runs one to three minutes in). */
const SETTLE_SECONDS = 150;
/** Events come one at a time, far enough apart that the path is idle before each. */
const SPARSE_RATE = { eventsPerSecond: 4, durationMs: 8_000, eventsPerTick: 1 } as const;
/** Each wiring and origin is measured this many times, alternately, so a burst of load elsewhere hits both alike. */
const LATENCY_ROUNDS = 3;

type Origin = 'nudged' | 'otherInstance';
/** Append → handler runs: `polling` as before idle back-off (200 ms polls, no listener), `service` as startService wires it. */
type LatencyRuns = Record<'polling' | 'service', Record<Origin, ConsumerLagResult[]>>;

function windowSeconds(): number {
  const value = process.env.MUTUO_IDLE_SECONDS;
  if (value === undefined || value === '') return FULL_WINDOW_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 600) throw new Error(`MUTUO_IDLE_SECONDS must be an integer from 5 to 600 (got "${value}")`);
  return seconds;
}

function progress(message: string): void {
  process.stderr.write(`[bench:idle] ${message}\n`);
}

function loadAverage(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

/** The PostgreSQL server processes serving the platform's databases, named by database and application. */
async function postgresBackends(databases: readonly string[]): Promise<{ name: string; pid: number }[]> {
  return withPgClient(TEST_POSTGRES_URL, async (client) => {
    const { rows } = await client.query<{ pid: number; datname: string; application_name: string }>(
      'select pid, datname, application_name from pg_stat_activity where datname = any($1::text[])',
      [databases],
    );
    return rows.map((row) => ({
      name: `${row.datname.replace(/^mutuo_bench_/, '').replace(/_[^_]+$/, '')} ${row.application_name || '(pool)'}`,
      pid: row.pid,
    }));
  });
}

function percent(value: number): string {
  return `${value.toFixed(2)} %`;
}

function render(run: {
  readonly at: Date;
  readonly seconds: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly node: readonly CpuWindow[];
  readonly backends: readonly CpuWindow[];
  readonly latency: LatencyRuns;
}): string {
  const total = (windows: readonly CpuWindow[]) => windows.reduce((sum, window) => sum + window.percentOfCore, 0);
  const backendsByDatabase = new Map<string, number>();
  for (const backend of run.backends) {
    const database = backend.name.split(' ')[0]!;
    backendsByDatabase.set(database, (backendsByDatabase.get(database) ?? 0) + backend.percentOfCore);
  }
  const medianOf = (runs: readonly ConsumerLagResult[], pick: (result: ConsumerLagResult) => number) => median(runs.map(pick));
  const lagRow = (origin: Origin, label: string) => {
    const polling = medianOf(run.latency.polling[origin], (result) => result.lag.p50);
    const service = medianOf(run.latency.service[origin], (result) => result.lag.p50);
    const relay = (wiring: 'polling' | 'service') => medianOf(run.latency[wiring][origin], (result) => result.stages.relay.p50).toFixed(1);
    return `| ${label} | ${polling.toFixed(1)} ms (relay leg ${relay('polling')} ms) | ${service.toFixed(1)} ms (relay leg ${relay('service')} ms) | ${(service / polling).toFixed(2)} |`;
  };
  return [
    `### Results of ${run.at.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Window: ${run.seconds} s with no traffic, after ${SETTLE_SECONDS} s to settle; the platform ran ${process.env.MUTUO_BENCH_BUILT === '1' ? 'the built output on plain node (as in production)' : 'from the sources through swc'}. Load before: \`${run.loadBefore}\`; after: \`${run.loadAfter}\`.`,
    '',
    '| Process | CPU over the window | Share of one core |',
    '| --- | ---: | ---: |',
    ...run.node.map((window) => `| ${window.name} | ${window.cpuSeconds.toFixed(2)} s | ${percent(window.percentOfCore)} |`),
    `| **Platform (Node processes)** | ${run.node.reduce((sum, window) => sum + window.cpuSeconds, 0).toFixed(2)} s | **${percent(total(run.node))}** |`,
    ...[...backendsByDatabase].map(([database, share]) => `| PostgreSQL backends of ${database} | | ${percent(share)} |`),
    `| **PostgreSQL backends, all** (${run.backends.length}) | ${run.backends.reduce((sum, window) => sum + window.cpuSeconds, 0).toFixed(2)} s | **${percent(total(run.backends))}** |`,
    '',
    `Append → consumer handler p50, one event every ${1000 / SPARSE_RATE.eventsPerSecond} ms for ${SPARSE_RATE.durationMs / 1000} s, median of ${LATENCY_ROUNDS} runs each, alternately:`,
    '',
    `| Appended | Polling every 200 ms, no listener | As services run (idle back-off to ${IDLE_POLL_INTERVAL_MS / 1000} s, append listener) | Ratio |`,
    '| --- | ---: | ---: | ---: |',
    lagRow('nudged', "in the relay's own process (the store nudges it)"),
    lagRow('otherInstance', 'by another instance (no in-process nudge)'),
  ].join('\n');
}

runBenchmark('bench:idle', async (cleanup: CleanupStack) => {
  const seconds = windowSeconds();
  progress('starting the platform (five services and the gateway)');
  const platform = await startBenchPlatform(cleanup);
  progress(`settling for ${SETTLE_SECONDS} s`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));

  const nodeProcesses = platform.processes.map((child) => ({ name: child.name, pid: child.process.pid! }));
  const backends = await postgresBackends(platform.databases);
  const loadBefore = loadAverage();
  progress(`measuring ${nodeProcesses.length} processes and ${backends.length} PostgreSQL backends over ${seconds} s`);
  const [node, backendCpu] = await (async () => {
    const all = await measureCpuOver([...nodeProcesses, ...backends.map((backend) => ({ ...backend, name: `pg ${backend.name}` }))], seconds * 1000);
    return [
      all.filter((window) => !window.name.startsWith('pg ')),
      all.filter((window) => window.name.startsWith('pg ')).map((window) => ({ ...window, name: window.name.slice(3) })),
    ];
  })();
  const loadAfter = loadAverage();

  progress("append → handler latency, events one at a time: polling every 200 ms against the services' wiring, alternately");
  const env = await openBenchEnvironment(cleanup);
  const latency: LatencyRuns = { polling: { nudged: [], otherInstance: [] }, service: { nudged: [], otherInstance: [] } };
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    for (const wiring of ['polling', 'service'] as const) {
      for (const from of ['nudged', 'otherInstance'] as const) {
        const result = await measureConsumerLag(env, cleanup, {
          ...SPARSE_RATE,
          nudge: from === 'nudged',
          asService: wiring === 'service' ? { idlePollIntervalMs: IDLE_POLL_INTERVAL_MS } : undefined,
          label: `idle-${wiring}-${from}-${round}`,
        });
        latency[wiring][from].push(result);
      }
    }
  }

  const section = render({ at: new Date(), seconds, loadBefore, loadAfter, node, backends: backendCpu, latency });
  if (seconds === FULL_WINDOW_SECONDS) {
    publishBenchResults('idle', 'Idle cost', IDLE_METHOD, section);
  } else {
    process.stdout.write(`\n${section}\n\n(a ${seconds} s window: docs/benchmarks.md left as it is)\n`);
  }
});

const IDLE_METHOD = `## Idle cost

\`npm run bench:idle\` starts the platform as an operator runs it (five services, each after its migrations on a
database of its own, and the gateway; one NATS prefix), lets it settle for ${SETTLE_SECONDS} s, then reads each
process's CPU time (utime + stime from \`/proc/<pid>/stat\`) before and after ${FULL_WINDOW_SECONDS} s with no
traffic at all, and prints each as a share of one core. The PostgreSQL backends serving the platform's databases are
measured the same way and shown apart (the shared NATS server serves other work too and is not measured). Then, for
what idleness must not cost, the latency from an append to a consumer's handler with events one at a time
(the \`bench:core\` consumer-lag scenario at ${SPARSE_RATE.eventsPerSecond} ev/s): once appended in the relay's own
process, once as if by another instance of the service, whose append no in-process nudge can reach.
`;
