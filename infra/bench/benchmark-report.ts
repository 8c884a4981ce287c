import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendLatencyResult, BatchThroughputResult } from './append.scenario';
import type { MachineInfo } from './bench-environment';
import type { ConsumerLagResult, StageLatency } from './consumer-lag.scenario';
import type { RelayThroughputResult } from './relay.scenario';
import type { PayloadSizes } from './request-events';

export interface BenchmarkResults {
  readonly startedAt: Date;
  readonly durationSeconds: number;
  readonly scale: number;
  readonly machine: MachineInfo;
  readonly payload: PayloadSizes;
  readonly latency: AppendLatencyResult;
  readonly batch: BatchThroughputResult;
  readonly relay: RelayThroughputResult;
  readonly lag: ConsumerLagResult;
  /** The same path at a rate this machine sustains, for the latency without a queue. */
  readonly lagReference: ConsumerLagResult;
}

export const TARGETS = {
  appendLatencyP50Ratio: 1.2,
  batchThroughputRatio: 0.7,
  relayThroughputRatio: 0.7,
} as const;

export const RESULTS_START = '<!-- bench:core results start (written by `npm run bench:core`) -->';
export const RESULTS_END = '<!-- bench:core results end -->';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ms = (value: number) => `${value.toFixed(2)} ms`;
const perSecond = (value: number) => `${integer.format(value)} ev/s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const verdict = (pass: boolean) => (pass ? 'PASS' : '**MISS**');
const stage = ({ p50, p99 }: StageLatency) => `${p50.toFixed(1)} / ${p99.toFixed(1)} ms`;
const lagRun = ({ options }: ConsumerLagResult) => `${integer.format(options.eventsPerSecond)} ev/s for ${options.durationMs / 1000} s`;

/** The results as a markdown section: one table of figures, ratios and targets, then the machine. */
export function renderResults(results: BenchmarkResults): string {
  const { latency, batch, relay, lag, lagReference, machine, payload } = results;
  const latencyRatioP50 = latency.append.p50 / latency.bare.p50;
  const latencyRatioP99 = latency.append.p99 / latency.bare.p99;
  const batchRatio = batch.appendPerSecond / batch.barePerSecond;
  const relayRatio = relay.relayMedian / relay.rawMedian;
  const rows = [
    [
      `Single append latency p50 (${integer.format(latency.append.count)} each)`,
      ms(latency.append.p50),
      `${ms(latency.bare.p50)} (bare INSERT)`,
      ratio(latencyRatioP50),
      `≤ ${ratio(TARGETS.appendLatencyP50Ratio)}`,
      verdict(latencyRatioP50 <= TARGETS.appendLatencyP50Ratio),
    ],
    ['Single append latency p99', ms(latency.append.p99), `${ms(latency.bare.p99)} (bare INSERT)`, ratio(latencyRatioP99), '—', '—'],
    [
      `Batched append, ${batch.eventsPerCall} events/call (${integer.format(batch.calls * batch.eventsPerCall)} each)`,
      perSecond(batch.appendPerSecond),
      `${perSecond(batch.barePerSecond)} (multi-row INSERT)`,
      ratio(batchRatio),
      `≥ ${ratio(TARGETS.batchThroughputRatio)}`,
      verdict(batchRatio >= TARGETS.batchThroughputRatio),
    ],
    [
      `Outbox relay, ${integer.format(relay.events)}-event backlog (median of ${relay.relayPerSecond.length})`,
      perSecond(relay.relayMedian),
      `${perSecond(relay.rawMedian)} (raw JetStream publish)`,
      ratio(relayRatio),
      `≥ ${ratio(TARGETS.relayThroughputRatio)}`,
      verdict(relayRatio >= TARGETS.relayThroughputRatio),
    ],
    [`Consumer lag p50 at ${lagRun(lag)}`, ms(lag.lag.p50), '—', '—', '—', 'info'],
    ['Consumer lag p99', ms(lag.lag.p99), '—', '—', '—', 'info'],
    [
      'Append rate achieved',
      perSecond(lag.achievedPerSecond),
      `${perSecond(lag.options.eventsPerSecond)} (offered)`,
      ratio(lag.achievedPerSecond / lag.options.eventsPerSecond),
      '—',
      'info',
    ],
    [
      'Events handled per second',
      perSecond(lag.handledPerSecond),
      `${perSecond(lag.options.eventsPerSecond)} (offered)`,
      ratio(lag.handledPerSecond / lag.options.eventsPerSecond),
      '—',
      'info',
    ],
    [`Consumer lag p50 / p99 at ${lagRun(lagReference)} (reference)`, `${ms(lagReference.lag.p50)} / ${ms(lagReference.lag.p99)}`, '—', '—', '—', 'info'],
  ];
  const table = ['| Measure | Mutuo | Baseline | Ratio | Target | Result |', '|---|---:|---:|---:|---:|:---:|', ...rows.map((row) => `| ${row.join(' | ')} |`)];
  const runs = (values: readonly number[]) => values.map((value) => integer.format(value)).join(', ');
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    ...table,
    '',
    `- Relay runs: ${runs(relay.relayPerSecond)} ev/s; raw publish runs: ${runs(relay.rawPerSecond)} ev/s.`,
    ...[lag, lagReference].map(
      (run) =>
        `- Lag at ${integer.format(run.options.eventsPerSecond)} ev/s: ${integer.format(run.appended)} events, max ${ms(run.lag.max)}; ` +
        `p50 / p99 by leg: append ${stage(run.stages.append)}, relay ${stage(run.stages.relay)}, ` +
        `delivery and queueing ${stage(run.stages.delivery)}; at most ${run.maxAppendsInFlight} appends in flight when a tick was due; ` +
        `this Node process used ${run.nodeCpuCores.toFixed(2)} CPU cores.`,
    ),
    `- Latency means: append ${ms(latency.append.mean)}, bare ${ms(latency.bare.mean)}; max append ${ms(latency.append.max)}, bare ${ms(latency.bare.max)}.`,
    `- Payload: ${payload.eventJsonBytes} bytes of event JSON (data + metadata, in both the event row and the baseline row); ` +
      `the event row also carries its ${payload.outboxBytes}-byte NATS subject; the relay builds the CloudEvent it publishes ` +
      `(${payload.cloudEventBytes} bytes as compact JSON) from the row.`,
    `- Total run time ${results.durationSeconds.toFixed(0)} s${results.scale === 1 ? '' : ` at scale ${results.scale}`}.`,
    '',
    '| Machine | |',
    '|---|---|',
    `| CPU | ${machine.cpus} |`,
    `| Memory | ${machine.memory} |`,
    `| OS | ${machine.os} |`,
    `| Node.js | ${machine.node} |`,
    `| PostgreSQL | ${machine.postgres} (${machine.postgresDurability}) |`,
    `| NATS server | ${machine.nats} |`,
  ].join('\n');
}

/** Replaces the results section of the document (between the markers), keeping everything else. */
export function writeResultsSection(documentPath: string, section: string): void {
  const block = `${RESULTS_START}\n\n${section}\n\n${RESULTS_END}`;
  const current = existsSync(documentPath) ? readFileSync(documentPath, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next =
    start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + RESULTS_END.length) : `${current.trimEnd()}\n\n## Results\n\n${block}\n`;
  writeFileSync(documentPath, next);
}
