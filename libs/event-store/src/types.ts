import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEventMetadata } from '@mutuo/domain';

/** `any` skips the check; `no_stream` requires the stream not to exist; a number is the version last seen. */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface NewEvent {
  /** Generated when omitted. Becomes the CloudEvents id and the `Nats-Msg-Id` when published. */
  readonly id?: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: DomainEventMetadata;
}

/** An event about to be appended, with everything known before the insert. */
export interface PendingEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly podId: string | null;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: DomainEventMetadata;
}

export interface StoredEvent extends PendingEvent {
  /** bigint as a decimal string. */
  readonly globalPosition: string;
  /** xid8 as a decimal string. */
  readonly transactionId: string;
  readonly recordedAt: string;
}

/** A position in the global order; start from `START_OF_ALL`. */
export interface GlobalCheckpoint {
  readonly transactionId: string;
  readonly globalPosition: string;
}

export const START_OF_ALL: GlobalCheckpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });

/**
 * How an event leaves the service, stored in the event's own row (`publish_*`). The outbox relay builds
 * the message it publishes from the row (id, stream, position, pod, metadata), so only what it cannot
 * derive is stored.
 */
export interface OutboxMessage {
  readonly subject: string;
  /** Published instead of the event's own `data`; leave it out when they are the same (it is then not stored). */
  readonly data?: unknown;
}

/** Decides which appended events leave the service, and as what. Returning null keeps an event internal. */
export type OutboxMapper = (event: PendingEvent) => OutboxMessage | null;

/**
 * Rewrites event data on its way into and out of the store, e.g. encrypting personal fields with a key that can
 * later be destroyed (crypto-shredding). Deciders and projections only ever see opened data; rows hold sealed data.
 */
export interface EventDataCodec {
  /** Before the insert (after the outbox mapping saw the plain data): what the rows store as data and publish data. */
  seal(em: EntityManager, events: readonly SealableEvent[]): Promise<SealedEventData[]>;
  /** After a read: the events as they were appended, or with placeholders where their data can no longer be opened. */
  open(em: EntityManager, events: readonly StoredEvent[]): Promise<StoredEvent[]>;
  /** The relay's side of `open`: published JSON texts (publish data, or the event's data) as they are to be sent. */
  openPublished(em: EntityManager, rows: readonly PublishedDataRow[]): Promise<OpenedPublishedData[]>;
  /** Before the service starts: maintenance the codec's keys need (re-wrapping them after a rotation); how many it changed. */
  prepare?(em: EntityManager): Promise<number>;
  /** Where messages carrying personal data opened went, when the codec publishes any (PersonalDataCodec does). */
  readonly publications?: PublicationLedger;
}

/**
 * The outbox relay's record of the broker messages that carry personal data opened, by data key, so that
 * destroying a key (erasure) can erase those messages from their stream too.
 */
export interface PublicationLedger {
  record(em: EntityManager, publications: readonly PublishedPersonalData[]): Promise<void>;
  /** Messages carrying personal data whose key is destroyed, at most `limit`: to erase from the broker. */
  erased(em: EntityManager, limit: number): Promise<BrokerMessage[]>;
  /** Forgets erased messages. */
  forget(em: EntityManager, messages: readonly BrokerMessage[]): Promise<void>;
  /** Forgets what was published to `stream` before `olderThan` (the stream's retention dropped it). */
  forgetBefore(em: EntityManager, stream: string, olderThan: Date): Promise<void>;
  /** The streams personal data was published to. */
  streams(em: EntityManager): Promise<string[]>;
}

export interface OpenedPublishedData {
  /** JSON text as it is to be sent. */
  readonly data: string;
  /** The data keys whose personal fields the text carries opened (empty for most events). */
  readonly personalKeyIds: readonly string[];
}

/** One message in a JetStream stream. */
export interface BrokerMessage {
  readonly stream: string;
  readonly seq: number;
}

export interface PublishedPersonalData extends BrokerMessage {
  readonly keyIds: readonly string[];
}

export interface SealableEvent {
  readonly event: PendingEvent;
  /** What the outbox stores as published data; undefined when the event publishes its own data or nothing. */
  readonly publishData: unknown;
}

export interface SealedEventData {
  readonly data: unknown;
  readonly publishData: unknown;
}

export interface PublishedDataRow {
  readonly eventId: string;
  /** JSON text. */
  readonly data: string;
}
