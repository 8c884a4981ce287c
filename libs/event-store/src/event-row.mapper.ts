import type { StoredEvent } from './types';

/** An event as `mutuo_events` returns it to the read paths. */
export interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_position: number;
  pod_id: string | null;
  type: string;
  data: unknown;
  metadata: StoredEvent['metadata'];
  recorded_at: Date | string;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    podId: row.pod_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    globalPosition: String(row.global_position),
    transactionId: String(row.transaction_id),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at.toISOString() : String(row.recorded_at),
  };
}
