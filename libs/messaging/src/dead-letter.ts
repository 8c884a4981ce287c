import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { deadLetterSubject } from './subjects';

/** Why a message ended in the dead-letter stream. */
export const FAILURE_KINDS = ['invalid-envelope', 'malformed-type', 'unknown-type', 'unknown-version', 'invalid-data', 'handler-failed'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const DEAD_LETTER_HEADERS = {
  reason: 'Mutuo-Dead-Letter-Reason',
  kind: 'Mutuo-Failure-Kind',
  consumer: 'Mutuo-Consumer',
  deliveryCount: 'Mutuo-Delivery-Count',
  originalSubject: 'Mutuo-Original-Subject',
  originalStream: 'Mutuo-Original-Stream',
  originalSequence: 'Mutuo-Original-Sequence',
  eventId: 'Mutuo-Event-Id',
  eventType: 'Mutuo-Event-Type',
} as const;

export interface DeadLetter {
  readonly kind: FailureKind;
  readonly reason: string;
  readonly consumer: string;
  readonly deliveryCount: number;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSequence: number;
  readonly eventId?: string;
  readonly eventType?: string;
  /** The original message body, unchanged, so it can be inspected and replayed. */
  readonly body: Uint8Array;
}

const MAX_HEADER_LENGTH = 1_000;

/**
 * Publishes a dead letter to `<prefix>.dlq.<consumer>.<kind>`. The message id is the original stream
 * position, so dead-lettering the same delivery twice (a crash before `term`) stores it once.
 */
export async function publishDeadLetter(js: JetStreamClient, prefix: string, letter: DeadLetter, timeoutMs = 5_000): Promise<void> {
  const headers = natsHeaders();
  headers.set(DEAD_LETTER_HEADERS.reason, headerValue(letter.reason));
  headers.set(DEAD_LETTER_HEADERS.kind, letter.kind);
  headers.set(DEAD_LETTER_HEADERS.consumer, letter.consumer);
  headers.set(DEAD_LETTER_HEADERS.deliveryCount, String(letter.deliveryCount));
  headers.set(DEAD_LETTER_HEADERS.originalSubject, headerValue(letter.originalSubject));
  headers.set(DEAD_LETTER_HEADERS.originalStream, letter.originalStream);
  headers.set(DEAD_LETTER_HEADERS.originalSequence, String(letter.originalSequence));
  if (letter.eventId) headers.set(DEAD_LETTER_HEADERS.eventId, headerValue(letter.eventId));
  if (letter.eventType) headers.set(DEAD_LETTER_HEADERS.eventType, headerValue(letter.eventType));
  await js.publish(deadLetterSubject(prefix, letter.consumer, letter.kind), letter.body, {
    msgID: `${letter.consumer}:${letter.originalStream}:${letter.originalSequence}`,
    headers,
    timeout: timeoutMs,
  });
}

export interface DeadLetterHeaders {
  readonly kind: string;
  readonly reason: string;
  readonly consumer: string;
  readonly deliveryCount: number;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSequence: number;
  readonly eventId?: string;
  readonly eventType?: string;
}

/** Reads the dead-letter headers of a message from the dead-letter stream. */
export function readDeadLetterHeaders(headers: MsgHdrs | undefined): DeadLetterHeaders {
  const get = (name: string) => headers?.get(name) ?? '';
  return {
    kind: get(DEAD_LETTER_HEADERS.kind),
    reason: get(DEAD_LETTER_HEADERS.reason),
    consumer: get(DEAD_LETTER_HEADERS.consumer),
    deliveryCount: Number(get(DEAD_LETTER_HEADERS.deliveryCount)),
    originalSubject: get(DEAD_LETTER_HEADERS.originalSubject),
    originalStream: get(DEAD_LETTER_HEADERS.originalStream),
    originalSequence: Number(get(DEAD_LETTER_HEADERS.originalSequence)),
    ...(get(DEAD_LETTER_HEADERS.eventId) ? { eventId: get(DEAD_LETTER_HEADERS.eventId) } : {}),
    ...(get(DEAD_LETTER_HEADERS.eventType) ? { eventType: get(DEAD_LETTER_HEADERS.eventType) } : {}),
  };
}

/** Header values are one line of limited length. */
function headerValue(text: string): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > MAX_HEADER_LENGTH ? `${line.slice(0, MAX_HEADER_LENGTH - 3)}...` : line;
}
