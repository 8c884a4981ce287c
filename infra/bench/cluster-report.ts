import type { MachineInfo } from './bench-environment';
import type { ConsumerLagResult } from './consumer-lag.scenario';
import type { FailoverStallResult } from './failover-stall.scenario';

export interface ClusterSide {
  readonly replicas: number;
  readonly relayPerSecond: readonly number[];
  readonly rawPerSecond: readonly number[];
  readonly relayMedian: number;
  readonly rawMedian: number;
  /** Medians over the runs of each run's p50 and p95 (append → handler, ms). */
  readonly lagP50: number;
  readonly lagP95: number;
  readonly lagRuns: readonly ConsumerLagResult[];
}

export interface ClusterResults {
  readonly startedAt: Date;
  readonly durationSeconds: number;
  /** `uptime`'s 1 / 5 / 15-minute load averages at the start and the end. */
  readonly load: { readonly start: string; readonly end: string };
  readonly machine: MachineInfo;
  readonly natsServer: string;
  readonly events: number;
  /** Appends per second of the lag runs. */
  readonly lagRate: number;
  readonly r1: ClusterSide;
  readonly r3: ClusterSide;
  readonly stall: FailoverStallResult;
}

export const CLUSTER_MARKERS = {
  start: '<!-- bench:cluster results start (written by `npm run bench:cluster`) -->',
  end: '<!-- bench:cluster results end -->',
};

export const CLUSTER_METHOD = `## Cluster

\`npm run bench:cluster\` (infra/bench/cluster.bench.ts) starts a single local \`nats-server\` and a local 3-node
JetStream cluster (\`NatsCluster\` from libs/testing: free ports, a temp store directory per node), a fresh database for
each, and compares the same paths with the producer's stream at R=1 on the single server and at R=3 on the cluster.
Every server runs on this one machine, so R=3 pays for the replication work (three copies, the leader waiting for a
follower's acknowledgement) but not for network latency between hosts. Runs are interleaved R=1, R=3, R=3, R=1.

- **Relay publish rate:** the outbox relay (batches of 200) drains a backlog of appended events, timed from
  \`start()\` to \`flush()\` (as in bench:core), and raw JetStream publishing of the same events for reference.
- **Consumer lag:** 100 single-event appends per second for 10 s, an \`EventConsumer\` writing a row per event in
  the inbox transaction; lag = handler call − the event's \`time\` (p50 and p95 per run, the median of the two runs).
- **Stall:** 100 appends per second flow through a relay configured as services configure it; the stream's leader is
  SIGKILLed; the stall is the longest pause between two events JetStream stored (server timestamps) ending after the
  kill. The node is restarted and its replica caught up before the next kill. Median of 3 kills.
`;

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const perSecond = (value: number) => `${integer.format(value)} ev/s`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

/** The results as a markdown section: R=3 against R=1 with ratios, then each kill. */
export function renderClusterResults(results: ClusterResults): string {
  const { r1, r3, stall } = results;
  const lagRuns = (side: ClusterSide) => side.lagRuns.map((run) => `${ms(run.lag.p50)} / ${ms(run.lag.p95)}`).join(', ');
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    '| Measure | R=3 (3-node cluster) | R=1 (single server) | Ratio R=3 ÷ R=1 |',
    '|---|---:|---:|---:|',
    `| Outbox relay, ${integer.format(results.events)}-event backlog (median of 2) | ${perSecond(r3.relayMedian)} | ${perSecond(r1.relayMedian)} | ${ratio(r3.relayMedian / r1.relayMedian)} |`,
    `| Raw JetStream publish, same events (reference) | ${perSecond(r3.rawMedian)} | ${perSecond(r1.rawMedian)} | ${ratio(r3.rawMedian / r1.rawMedian)} |`,
    `| Consumer lag p50, append → handler, ${results.lagRate} ev/s for 10 s (median of 2) | ${ms(r3.lagP50)} | ${ms(r1.lagP50)} | ${ratio(r3.lagP50 / r1.lagP50)} |`,
    `| Consumer lag p95 | ${ms(r3.lagP95)} | ${ms(r1.lagP95)} | ${ratio(r3.lagP95 / r1.lagP95)} |`,
    `| Publishes stalled when the stream leader is SIGKILLed (median of ${stall.kills.length}) | ${seconds(stall.medianStallMs)} | — | — |`,
    '',
    `- Relay runs: R=3 ${r3.relayPerSecond.map(perSecond).join(', ')}; R=1 ${r1.relayPerSecond.map(perSecond).join(', ')}. Raw: R=3 ${r3.rawPerSecond.map(perSecond).join(', ')}; R=1 ${r1.rawPerSecond.map(perSecond).join(', ')}.`,
    `- Lag runs (p50 / p95): R=3 ${lagRuns(r3)}; R=1 ${lagRuns(r1)}.`,
    `- Kills: ${stall.kills
      .map(
        (kill) =>
          `${kill.victim} stalled ${seconds(kill.stallMs)}, back as a current replica ${seconds(kill.rejoinedAfterMs)} after the kill (restarted once publishing resumed; ${kill.events} events, none lost or doubled)`,
      )
      .join('; ')}. The relay logged ${stall.relayWarnings} retry warnings.`,
    `- Load average (1 / 5 / 15 min): ${results.load.start} at the start, ${results.load.end} at the end; 2 cores shared with other work: compare the ratios, not the absolute figures.`,
    `- ${results.machine.cpus}, Node.js ${results.machine.node}, PostgreSQL ${results.machine.postgres}, ${results.natsServer}. Total run time ${integer.format(results.durationSeconds)} s.`,
  ].join('\n');
}
