/**
 * What tracing costs on the hot path: one single-event append (the event store with its outbox mapper, as a command
 * appends it) inside a request's span, with tracing off against tracing on (sampled, batched and exported over
 * OTLP/HTTP to a local receiver), in one run. Blocks of calls alternate off, on, on, off, … so drift in machine load hits
 * both alike. Writes its section of docs/benchmarks.md.
 *
 *   npm run bench:traces
 */
import { loadavg } from 'node:os';
import { inSpan } from '@mutuo/event-store';
import { loadConfig, startTracing, telemetryVariablesShape } from '@mutuo/platform';
import { startOtlpTraceReceiver } from '@mutuo/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { publishBenchResults, runBenchmark } from './bench-child-process';
import { openBenchEnvironment } from './bench-environment';
import { newRequestStream, requestsEventStore } from './request-events';
import { nowMs, summarize } from './statistics';

const BLOCKS = 20;
const CALLS_PER_BLOCK = 100;
const WARMUP_CALLS = 200;

const METHOD = `## Traces

\`npm run bench:traces\`: a single-event append (event store with the outbox mapper, one autocommitted statement) inside
a request's span, the way a command appends it; tracing off (no SDK registered: the spans are no-op calls) against
tracing on (every trace sampled; the request and append spans recorded, the trace context stored in the event's
metadata, spans batched and exported over OTLP/HTTP to a receiver in the same process). ${BLOCKS} blocks of
${CALLS_PER_BLOCK} calls alternate off, on, on, off, … after ${WARMUP_CALLS} warm-up calls of each.`;

runBenchmark('bench:traces', async (cleanup) => {
  const env = await openBenchEnvironment(cleanup);
  const receiver = await startOtlpTraceReceiver();
  cleanup.defer('close the OTLP receiver', () => receiver.close());
  const variables = loadConfig(z.object(telemetryVariablesShape), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' });
  const store = requestsEventStore(env.prefix);

  const appendInRequest = async (): Promise<number> => {
    const stream = newRequestStream(1);
    const started = nowMs();
    await inSpan(trace.getTracer('bench'), { name: 'mutation PostRequest', kind: SpanKind.SERVER }, () =>
      store.append(env.orm.em.fork(), stream.streamId, stream.events, 'no_stream'),
    );
    return nowMs() - started;
  };
  const block = async (traced: boolean, calls: number): Promise<number[]> => {
    const tracing = traced ? startTracing({ service: 'bench', variables }) : undefined;
    try {
      const timings: number[] = [];
      for (let call = 0; call < calls; call++) timings.push(await appendInRequest());
      return timings;
    } finally {
      await tracing?.shutdown();
    }
  };

  const load = loadavg();
  await block(false, WARMUP_CALLS);
  await block(true, WARMUP_CALLS);
  const off: number[] = [];
  const on: number[] = [];
  for (let index = 0; index < BLOCKS; index++) {
    const traced = index % 4 === 1 || index % 4 === 2;
    (traced ? on : off).push(...(await block(traced, CALLS_PER_BLOCK)));
    process.stderr.write(`[bench:traces] block ${index + 1}/${BLOCKS}\n`);
  }
  const [offSummary, onSummary] = [summarize(off), summarize(on)];
  const exported = receiver.spans.filter((span) => span.name.startsWith('append')).length;
  const ms = (value: number) => value.toFixed(3);
  const section = [
    `Run ${new Date().toISOString()}, load average ${load.map((value) => value.toFixed(2)).join(' / ')} (1/5/15 min) at the start, ${env.machine.cpus}, ${env.machine.node}, ${env.machine.postgres}.`,
    '',
    '| single-event append in a request span | calls | p50 ms | p99 ms | mean ms |',
    '| --- | --- | --- | --- | --- |',
    `| tracing off (baseline) | ${offSummary.count} | ${ms(offSummary.p50)} | ${ms(offSummary.p99)} | ${ms(offSummary.mean)} |`,
    `| tracing on, OTLP export | ${onSummary.count} | ${ms(onSummary.p50)} | ${ms(onSummary.p99)} | ${ms(onSummary.mean)} |`,
    `| ratio on / off | | ${(onSummary.p50 / offSummary.p50).toFixed(3)} | ${(onSummary.p99 / offSummary.p99).toFixed(3)} | ${(onSummary.mean / offSummary.mean).toFixed(3)} |`,
    '',
    `The receiver got ${exported} append spans (${on.length + WARMUP_CALLS} traced calls).`,
  ].join('\n');
  publishBenchResults('traces', 'traces', METHOD, section);
});
