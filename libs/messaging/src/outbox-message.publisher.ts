import type { PublishedPersonalData, TraceContextCarrier } from '@mutuo/event-store';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { cloudEventJson } from './cloud-event';
import type { PublishableRow } from './outbox-batch.reader';
import { CLOUDEVENTS_CONTENT_TYPE } from './outbox-mapper';
import { parseEventSubject } from './subjects';
import { publishTraced } from './tracing/message-tracing';

/**
 * The CloudEvent the outbox mapper checked at append time, rebuilt from the row: the subject gives the
 * region and the contract type (whose service is the source's), the row and its metadata the rest.
 */
function cloudEventOf(row: PublishableRow, trace: TraceContextCarrier): string {
  const subject = parseEventSubject(row.publish_subject);
  if (!subject) {
    throw new Error(
      `Event ${row.event_id} cannot be published: "${row.publish_subject}" is not an event subject (<prefix>.evt.<region>.<pod|_>.<service>.<name>.v<version>)`,
    );
  }
  return cloudEventJson({
    id: row.event_id,
    region: subject.region,
    service: subject.service,
    type: subject.type,
    subject: row.stream_id,
    time: row.occurred_at,
    dataJson: row.data,
    podId: row.pod_id,
    // As the mapper does: an event nobody correlated starts its own correlation.
    correlationId: row.correlation_id ?? row.event_id,
    causationId: row.causation_id,
    streamVersion: row.stream_position,
    actorId: row.actor_id,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  });
}

/** Where a message carrying personal data opened was stored; undefined for the others. */
export function personalPublication(row: PublishableRow, ack: PubAck): PublishedPersonalData | undefined {
  const keyIds = row.personal_key_ids ?? [];
  return keyIds.length > 0 ? { stream: ack.stream, seq: ack.seq, keyIds } : undefined;
}

/** Publishes one outbox row to JetStream as its CloudEvent, with `Nats-Msg-Id` = event id so a retry is stored once. */
export class OutboxMessagePublisher {
  private readonly js: JetStreamClient;

  constructor(
    nats: NatsConnection,
    private readonly publishTimeoutMs: number,
  ) {
    this.js = jetstream(nats, { timeout: publishTimeoutMs });
  }

  async publish(row: PublishableRow): Promise<PubAck> {
    return publishTraced(row, (trace) => {
      const body = cloudEventOf(row, trace);
      const headers = natsHeaders();
      headers.set('Content-Type', CLOUDEVENTS_CONTENT_TYPE);
      // retries: 1 — a retry inside the client could overtake later messages of the batch.
      return this.js.publish(row.publish_subject, body, {
        msgID: row.event_id,
        headers,
        timeout: this.publishTimeoutMs,
        retries: 1,
      });
    });
  }
}
