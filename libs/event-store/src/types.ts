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
