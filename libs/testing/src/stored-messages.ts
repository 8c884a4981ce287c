import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface StoredMessage {
  /** The `Nats-Msg-Id` header (the relay sets the event id), '' when absent. */
  readonly msgId: string;
  readonly subject: string;
  readonly sequence: number;
  /** When the stream's leader stored it, in ms since the epoch (the server's clock). */
  readonly storedAt: number;
}

/** Every message a stream holds, in order, read with an ordered consumer: for counting duplicates and timing stalls. */
export async function storedMessages(nc: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const total = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  if (total === 0) return [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const stored: StoredMessage[] = [];
  const messages = await consumer.consume();
  for await (const message of messages) {
    stored.push({
      msgId: message.headers?.get('Nats-Msg-Id') ?? '',
      subject: message.subject,
      sequence: message.seq,
      storedAt: message.info.timestampNanos / 1e6,
    });
    if (message.info.pending === 0) break;
  }
  return stored;
}

/**
 * The longest pause between two consecutive stored messages that ends after `from`: with a steady flow of publishes,
 * how long publishing stalled. Times in ms, in any order.
 */
export function longestGapAfter(storedAt: readonly number[], from: number): { gapMs: number; endedAt: number } {
  const sorted = [...storedAt].sort((a, b) => a - b);
  let longest = { gapMs: 0, endedAt: from };
  for (let index = 1; index < sorted.length; index++) {
    const gapMs = sorted[index]! - sorted[index - 1]!;
    if (sorted[index]! >= from && gapMs > longest.gapMs) longest = { gapMs, endedAt: sorted[index]! };
  }
  return longest;
}
