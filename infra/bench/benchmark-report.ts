import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendLatencyResult, BatchThroughputResult } from './append.scenario';
import type { MachineInfo } from './bench-environment';
import type { ConsumerLagResult } from './consumer-lag.scenario';
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

/** The results as a markdown section: one table of figures, ratios and targets, then the machine. */
export function renderResults(results: BenchmarkResults): string {
  const { latency, batch, relay, lag, machine, payload } = results;
  const latencyRatioP50 = latency.append.p50 / latency.bare.p50;
  const latencyRatioP99 = latency.append.p99 / latency.bare.p99;
  const batchRatio = batch.appendPerSecond / batch.barePerSecond;
  const relayRatio = relay.relayMedian / relay.rawMedian;
  const lagSeconds = lag.options.durationMs / 1000;
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
    [
      `Consumer lag p50 at ${integer.format(lag.options.eventsPerSecond)} ev/s for ${lagSeconds} s`,
      ms(lag.lag.p50),
      '—',
      '—',
      '—',
      'info',
    ],
    ['Consumer lag p99', ms(lag.lag.p99), '—', '—', '—', 'info'],
    [
      'Achieved append rate during the lag run',
      perSecond(lag.achievedPerSecond),
      `${perSecond(lag.options.eventsPerSecond)} (offered)`,
      ratio(lag.achievedPerSecond / lag.options.eventsPerSecond),
      '—',
      'info',
    ],
  ];
  const table = [
    '| Measure | Mutuo | Baseline | Ratio | Target | Result |',
    '|---|---:|---:|---:|---:|:---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  const runs = (values: readonly number[]) => values.map((value) => integer.format(value)).join(', ');
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    ...table,
    '',
    `- Relay runs: ${runs(relay.relayPerSecond)} ev/s; raw publish runs: ${runs(relay.rawPerSecond)} ev/s.`,
    `- Consumer lag: ${integer.format(lag.appended)} events, max ${ms(lag.lag.max)}, mean ${ms(lag.lag.mean)}; ` +
      `${lag.options.eventsPerTick} single-event appends every ${((lag.options.eventsPerTick * 1000) / lag.options.eventsPerSecond).toFixed(0)} ms, ` +
      `at most ${lag.maxAppendsInFlight} appends in flight when a tick was due.`,
    `- Latency means: append ${ms(latency.append.mean)}, bare ${ms(latency.bare.mean)}; max append ${ms(latency.append.max)}, bare ${ms(latency.bare.max)}.`,
    `- Payload: ${payload.eventJsonBytes} bytes of event JSON (data + metadata, in both the event row and the baseline row); ` +
      `the outbox row adds a ${payload.cloudEventBytes}-byte CloudEvent.`,
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
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + RESULTS_END.length)
      : `${current.trimEnd()}\n\n## Results\n\n${block}\n`;
  writeFileSync(documentPath, next);
}
