import { trace, type Tracer } from '@opentelemetry/api';
import { traceContextOf } from './spans';

/**
 * Looked up at each use, never kept: a tracer taken before tracing starts (or before a restart in tests) would stay
 * bound to the provider of that moment.
 */
export function eventStoreTracer(): Tracer {
  return trace.getTracer('mutuo.event-store');
}

/**
 * The metadata with the active trace context added (`traceparent`, `tracestate`): stored with the event, it lets the
 * outbox relay, which publishes later and outside the request, continue the trace that appended it.
 */
export function withTraceContext<Metadata extends object>(metadata: Metadata): Metadata {
  const carrier = traceContextOf();
  return carrier.traceparent ? { ...metadata, ...carrier } : metadata;
}

/** The span names stay few (the stream's aggregate, the command's type); the stream id goes in an attribute. */
export function aggregateOf(streamId: string): string {
  const end = streamId.indexOf(':');
  return end === -1 ? streamId : streamId.slice(0, end);
}
