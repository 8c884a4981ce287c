import type { AnyIntegrationEventContract } from '@mutuo/contracts';
import type { OutboxMessage, PendingEvent } from '@mutuo/event-store';
import { assertCloudEventAttributes, toCloudEvent, type CloudEventInput, type MutuoCloudEvent } from './cloud-event';
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
 * What the event store stores for an event that leaves the service (`subject`, and `data` only when the
 * contract's data differs from the event's own), and what the outbox relay will publish for it, built
 * from the row: the headers and the CloudEvent (`payload`, built when read; nothing stores it).
 */
export interface IntegrationOutboxMessage extends OutboxMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: MutuoCloudEvent;
}

/**
 * Turns appended events into outbox messages, stored in the event's own row: the NATS subject, and the
 * contract's data when it is not the event's own. Invalid data, or an event its CloudEvent could not be
 * built from, throws, failing the append: publishing data that breaks the contract is a bug in the
 * producing service.
 */
export function createOutboxMapper(options: OutboxMapperOptions): (event: PendingEvent) => IntegrationOutboxMessage | null {
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
    const cloudEvent: CloudEventInput = {
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
    };
    // Source, type and region are right by construction (checked above and when the contract was defined).
    assertCloudEventAttributes(cloudEvent);
    return new CheckedOutboxMessage(
      eventSubject({ prefix, region, podId: event.podId, type: contract.type }),
      cloudEvent,
      // Usually the contract publishes the event's data as it is: then the row stores nothing more.
      !sameJsonValue(data, event.data),
    );
  };
}

/** The CloudEvent is built only when someone reads `payload`: the relay builds the one it publishes from the row. */
class CheckedOutboxMessage implements IntegrationOutboxMessage {
  declare readonly data?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly #cloudEvent: CloudEventInput;

  constructor(
    readonly subject: string,
    cloudEvent: CloudEventInput,
    publishesOtherData: boolean,
  ) {
    if (publishesOtherData) this.data = cloudEvent.data;
    this.headers = { [NATS_MSG_ID_HEADER]: cloudEvent.id, 'Content-Type': CLOUDEVENTS_CONTENT_TYPE };
    this.#cloudEvent = cloudEvent;
  }

  get payload(): MutuoCloudEvent {
    return toCloudEvent(this.#cloudEvent);
  }
}

/**
 * Whether two values serialise to the same JSON value, object key order aside. Only says yes when sure:
 * anything else (a Date, say) counts as different, which at worst stores data that was not needed.
 */
function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameJsonValue(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameJsonValue(a[key], b[key])) return false;
  return true;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
