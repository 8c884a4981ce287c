import { hostname } from 'node:os';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TelemetryVariables } from './telemetry-variables';

export interface TracingOptions {
  /** The service (`requests`) or `gateway`: names the spans' service unless OTEL_SERVICE_NAME does. */
  readonly service: string;
  readonly variables: TelemetryVariables;
  /** NODE_ENV, recorded as the deployment environment. */
  readonly environment?: string;
  /** For tests: finished spans go here, one by one, instead of to the OTLP endpoint (tracing is on even without one). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  /** false when no endpoint (nor test exporter) is set: the OpenTelemetry API stays a no-op. */
  readonly enabled: boolean;
  /** Exports what is still buffered and unregisters the tracer, so the process (or a test) can start it again. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };
let running: string | undefined;

/** Where the OTLP/HTTP exporter sends traces, from the collector's base URL (as the OpenTelemetry specification says). */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Turns OpenTelemetry tracing on for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans are sampled
 * (parent-based ratio), batched and exported over OTLP/HTTP, and the W3C trace context propagates through async code
 * (AsyncLocalStorage) and `traceparent`. Off, nothing is registered and the libraries' spans cost a no-op call.
 * One process has one tracer: a second start before `shutdown` throws.
 */
export function startTracing(options: TracingOptions): Tracing {
  const { variables } = options;
  const endpoint = variables.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint && !options.exporter) return OFF;
  if (running) throw new Error(`Tracing is already started in this process (for ${running}); one process traces one service`);

  const serviceName = variables.OTEL_SERVICE_NAME ?? `mutuo-${options.service}`;
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint!), headers: variables.OTEL_EXPORTER_OTLP_HEADERS ?? {} }), {
        scheduledDelayMillis: variables.OTEL_BSP_SCHEDULE_DELAY,
      });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      // Incubating semantic-convention names, written out: the stable package does not export them.
      'service.namespace': 'mutuo',
      'service.instance.id': `${hostname()}:${process.pid}`,
      ...(options.environment ? { 'deployment.environment.name': options.environment } : {}),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(variables.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [processor],
  });
  // Only the W3C trace context travels (headers, CloudEvents extension, event metadata): no baggage.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  running = serviceName;

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () =>
      (stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          running = undefined;
        }
      })()),
  };
}
