import { context, propagation, SpanStatusCode, type Attributes, type Context, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';

export interface SpanSpec {
  readonly name: string;
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent; the active context when absent. */
  readonly parent?: Context;
}

/**
 * Runs `work` inside a new active span that ends when the work settles, marked as failed (with the error) when it
 * rejects. With tracing off (no SDK registered) the OpenTelemetry API makes this a no-op wrapper.
 */
export function inSpan<T>(tracer: Tracer, spec: SpanSpec, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(spec.name, { kind: spec.kind, attributes: spec.attributes }, spec.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The W3C trace context (`traceparent`, and `tracestate` when there is one) under the names the W3C headers and the
 * CloudEvents distributed-tracing extension use, so one carrier object fits HTTP, events and event metadata.
 */
export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The trace context of `from` (the active context by default); empty when tracing is off or no span is active. */
export function traceContextOf(from: Context = context.active()): TraceContextCarrier {
  const carrier: TraceContextCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}
