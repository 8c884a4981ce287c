import type { AnyIntegrationEventContract } from '@mutuo/contracts';
import type { OutboxMapper, PendingEvent } from '@mutuo/event-store';
import { toCloudEvent } from './cloud-event';
import { DEFAULT_SUBJECT_PREFIX, assertSubjectToken, eventSubject } from './subjects';

/** The integration event an internal event becomes: which contract, with which data. */
export interface IntegrationEventMapping {
  readonly contract: AnyIntegrationEventContract;
  readonly data: unknown;
}

export interface OutboxMapperOptions {
  /** The producing service; it may only publish its own contracts. */
  readonly service: string;
  /** The deployment's region token, used in `source`, `regionid` and the subject. */
  readonly region: string;
  readonly prefix?: string;
  /** Picks the events that leave the service; null keeps an event internal. */
  readonly map: (event: PendingEvent) => IntegrationEventMapping | null;
}

export const NATS_MSG_ID_HEADER = 'Nats-Msg-Id';
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/**
 * Turns appended events into outbox messages, stored in the event's own row: a validated CloudEvent,
 * its NATS subject and the `Nats-Msg-Id` header JetStream deduplicates on. Invalid data throws, failing
 * the append: publishing data that breaks the contract is a bug in the producing service.
 */
export function createOutboxMapper(options: OutboxMapperOptions): OutboxMapper {
  const prefix = assertSubjectToken(options.prefix ?? DEFAULT_SUBJECT_PREFIX, 'prefix');
  const service = assertSubjectToken(options.service, 'service');
  const region = assertSubjectToken(options.region, 'region');
  return (event) => {
    const mapping = options.map(event);
    if (!mapping) return null;
    const { contract } = mapping;
    if (contract.service !== service) {
      throw new Error(`Service ${service} cannot publish ${contract.type}: that contract belongs to ${contract.service}`);
    }
    const data = contract.assert(mapping.data);
    const metadata = event.metadata;
    const cloudEvent = toCloudEvent({
      id: event.eventId,
      region,
      service,
      type: contract.type,
      subject: event.streamId,
      time: metadata.occurredAt,
      data,
      podId: event.podId,
      // An event nobody correlated starts its own correlation.
      correlationId: metadata.correlationId ?? event.eventId,
      causationId: metadata.causationId,
      streamVersion: event.streamPosition,
      actorId: metadata.actorId,
    });
    return {
      subject: eventSubject({ prefix, region, podId: event.podId, type: contract.type }),
      payload: cloudEvent,
      headers: { [NATS_MSG_ID_HEADER]: event.eventId, 'Content-Type': CLOUDEVENTS_CONTENT_TYPE },
    };
  };
}
