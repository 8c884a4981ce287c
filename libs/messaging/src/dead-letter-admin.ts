import { JetStreamApiError, type JetStreamClient, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { readDeadLetterHeaders, type DeadLetterHeaders } from './dead-letter';
import { assertSubjectToken, deadLetterStreamName } from './subjects';

const NO_MESSAGE_FOUND = 10037;
const FETCH_EXPIRES_MS = 2_000;

/** One message of the dead-letter stream, with what its headers say and when it was dead-lettered. */
export interface StoredDeadLetter extends DeadLetterHeaders {
  /** Its sequence in the dead-letter stream: what `show`, `replay` and `discard` take. */
  readonly sequence: number;
  readonly subject: string;
  readonly deadLetteredAt: Date;
  readonly body: Uint8Array;
}

export interface DeadLetterQuery {
  /** Only the dead letters of this consumer (`<prefix>.dlq.<consumer>.>`). */
  readonly consumer: string;
  /** Only this failure kind. */
  readonly kind?: string;
  /** At most this many, oldest first. Default 100. */
  readonly limit?: number;
}

/**
 * What an operator does with the dead-letter stream: list, read, replay to the original subject, discard. Each action
 * is limited to one consumer's dead letters, so one service's operator never replays or deletes another's.
 */
export class DeadLetterAdmin {
  private readonly stream: string;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly prefix: string,
  ) {
    this.stream = deadLetterStreamName(prefix);
  }

  /** How many dead letters each of the consumer's failure kinds holds. */
  async counts(consumer: string): Promise<Map<string, number>> {
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: this.filter(consumer) });
    const counts = new Map<string, number>();
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) counts.set(subject.split('.').at(-1) ?? subject, count);
    return counts;
  }

  async list(query: DeadLetterQuery): Promise<StoredDeadLetter[]> {
    const limit = query.limit ?? 100;
    const filter = query.kind
      ? `${this.prefix}.dlq.${assertSubjectToken(query.consumer, 'consumer')}.${assertSubjectToken(query.kind, 'kind')}`
      : this.filter(query.consumer);
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: filter });
    const available = Object.values(info.state.subjects ?? {}).reduce((sum, count) => sum + count, 0);
    const wanted = Math.min(limit, available);
    if (wanted === 0) return [];
    // An ordered consumer reads the filtered subjects once, oldest first, and leaves nothing behind on the server.
    const reader = await this.js.consumers.get(this.stream, { filter_subjects: filter });
    const letters: StoredDeadLetter[] = [];
    try {
      const batch = await reader.fetch({ max_messages: wanted, expires: FETCH_EXPIRES_MS });
      for await (const message of batch) {
        letters.push(
          toStoredDeadLetter({
            seq: message.seq,
            subject: message.subject,
            time: new Date(message.info.timestampNanos / 1_000_000),
            data: message.data,
            header: message.headers,
          }),
        );
        if (letters.length >= wanted) break;
      }
    } finally {
      await reader.delete().catch(() => undefined);
    }
    return letters;
  }

  /** The dead letter at `sequence`, or null when there is none there for this consumer. */
  async get(consumer: string, sequence: number): Promise<StoredDeadLetter | null> {
    let message: StoredMsg | null;
    try {
      message = await this.jsm.streams.getMessage(this.stream, { seq: sequence });
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === NO_MESSAGE_FOUND) return null;
      throw error;
    }
    if (!message || !message.subject.startsWith(`${this.prefix}.dlq.${consumer}.`)) return null;
    return toStoredDeadLetter({ seq: message.seq, subject: message.subject, time: message.time, data: message.data, header: message.header });
  }

  /**
   * Publishes the body again to the subject it first arrived on, with a message id of its own (the original one would
   * be dropped as a duplicate), then removes the dead letter. Consumers whose inbox already holds the event skip it.
   */
  async replay(letter: StoredDeadLetter): Promise<{ stream: string; sequence: number }> {
    if (!letter.originalSubject) throw new Error(`Dead letter ${letter.sequence} has no original subject to replay to`);
    const headers = natsHeaders();
    headers.set('Mutuo-Replayed-From', `${this.stream}:${letter.sequence}`);
    const ack = await this.js.publish(letter.originalSubject, letter.body, {
      msgID: `${letter.eventId ?? `${letter.originalStream}:${letter.originalSequence}`}:replay-${letter.sequence}`,
      headers,
    });
    await this.jsm.streams.deleteMessage(this.stream, letter.sequence);
    return { stream: ack.stream, sequence: ack.seq };
  }

  /** Removes the dead letter for good (its content is erased from the stream's storage). */
  async discard(letter: StoredDeadLetter): Promise<void> {
    await this.jsm.streams.deleteMessage(this.stream, letter.sequence, true);
  }

  private filter(consumer: string): string {
    return `${assertSubjectToken(this.prefix, 'prefix')}.dlq.${assertSubjectToken(consumer, 'consumer')}.>`;
  }
}

interface RawMessage {
  readonly seq: number;
  readonly subject: string;
  readonly time: Date;
  readonly data: Uint8Array;
  readonly header: Parameters<typeof readDeadLetterHeaders>[0];
}

function toStoredDeadLetter(message: RawMessage): StoredDeadLetter {
  return {
    ...readDeadLetterHeaders(message.header),
    sequence: message.seq,
    subject: message.subject,
    deadLetteredAt: message.time,
    body: message.data,
  };
}
