import { inSpan, traceContextOf, type TraceContextCarrier } from '@mutuo/event-store';
import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { MutuoCloudEvent } from '../cloud-event';
import type { PublishableRow } from '../outbox-batch.reader';
import type { DeliveryInfo } from '../received-event';
import { parseEventSubject } from '../subjects';

/** Looked up at each use: a kept tracer would stay bound to the provider registered when it was taken. */
const messagingTracer = () => trace.getTracer('mutuo.messaging');

/**
 * Publishes an outbox row in a PRODUCER span whose parent is the append that stored the event (its trace context is in
 * the row), and gives `send` the trace context to carry in the CloudEvent (`traceparent`, `tracestate`). A row appended
 * without tracing is sent as it is; with tracing off in this process, the stored context passes through unchanged so
 * the consumers still join the append's trace.
 */
export function publishTraced<T>(row: PublishableRow, send: (trace: TraceContextCarrier) => Promise<T>): Promise<T> {
  if (!row.traceparent) return send({});
  const stored: TraceContextCarrier = row.tracestate ? { traceparent: row.traceparent, tracestate: row.tracestate } : { traceparent: row.traceparent };
  const parent = propagation.extract(ROOT_CONTEXT, stored);
  if (!trace.getSpanContext(parent)) return send(stored);
  const contractType = parseEventSubject(row.publish_subject)?.type ?? row.publish_subject;
  const attributes = {
    'messaging.system': 'nats',
    'messaging.operation.type': 'send',
    'messaging.destination.name': row.publish_subject,
    'messaging.message.id': row.event_id,
    'cloudevents.event_id': row.event_id,
    'cloudevents.event_type': contractType,
    'cloudevents.event_subject': row.stream_id,
  };
  return inSpan(messagingTracer(), { name: `publish ${contractType}`, kind: SpanKind.PRODUCER, attributes, parent }, () => send(traceContextOf()));
}

/**
 * Handles a delivered event in a CONSUMER span that continues the publisher's trace (the CloudEvent's `traceparent`),
 * so the reaction's own commands and appends, and the events they publish in turn, stay in the same trace.
 */
export function handleTraced<T>(event: MutuoCloudEvent, delivery: DeliveryInfo, handle: () => Promise<T>): Promise<T> {
  // The W3C propagator reads `traceparent` and `tracestate`: the extension attributes have the headers' names.
  const parent = propagation.extract(ROOT_CONTEXT, event);
  const attributes = {
    'messaging.system': 'nats',
    'messaging.operation.type': 'process',
    'messaging.destination.name': delivery.natsSubject,
    'messaging.consumer.group.name': delivery.consumer,
    'messaging.message.id': event.id,
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'cloudevents.event_subject': event.subject,
    'mutuo.delivery_count': delivery.deliveryCount,
    ...(event.correlationid ? { 'mutuo.correlation_id': event.correlationid } : {}),
  };
  return inSpan(messagingTracer(), { name: `process ${event.type}`, kind: SpanKind.CONSUMER, attributes, parent }, handle);
}
