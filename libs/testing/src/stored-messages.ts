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
