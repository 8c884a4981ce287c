import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../sql';
import type { StoredEvent } from '../types';

export type ParkReason = 'failed' | 'waiting-behind';

/** One row of mutuo_parked_events. */
export interface ParkedEvent {
  readonly projection: string;
  readonly eventId: string;
  readonly globalPosition: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly podId: string | null;
  readonly eventType: string;
  readonly reason: ParkReason;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: string;
}

interface ParkedEventRow {
  projection: string;
  event_id: string;
  global_position: string;
  stream_id: string;
  stream_position: number;
  pod_id: string | null;
  event_type: string;
  reason: ParkReason;
  error: string;
  attempts: number;
  parked_at: Date | string;
}

/** An error as one line of text for the table and the log: name, message, and the driver's code when there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}`.slice(0, 2000);
}

/** Reads and writes mutuo_parked_events, always inside the caller's transaction. */
export const parkedEvents = {
  /** The streams among `streamIds` that have an event parked for the projection: their later events wait behind it. */
  async blockedStreams(em: EntityManager, projection: string, streamIds: readonly string[]): Promise<Set<string>> {
    const rows = await query<{ stream_id: string }>(
      em,
      `select distinct stream_id from mutuo_parked_events
       where projection = ? and stream_id in (select jsonb_array_elements_text(?::jsonb))`,
      [projection, JSON.stringify([...new Set(streamIds)])],
    );
    return new Set(rows.map((row) => row.stream_id));
  },

  async park(em: EntityManager, projection: string, event: StoredEvent, reason: ParkReason, error: string): Promise<void> {
    await query(
      em,
      `insert into mutuo_parked_events (projection, event_id, global_position, transaction_id, stream_id, stream_position, pod_id, event_type, reason, error)
       values (?, ?, ?, ?::xid8, ?, ?, ?, ?, ?, ?)
       on conflict (projection, event_id) do update set reason = excluded.reason, error = excluded.error,
         attempts = mutuo_parked_events.attempts + 1, last_attempt_at = clock_timestamp()`,
      [projection, event.eventId, event.globalPosition, event.transactionId, event.streamId, event.streamPosition, event.podId, event.type, reason, error],
    );
  },

  /** A retry failed again: the event stays parked with the new error. */
  async recordFailedAttempt(em: EntityManager, projection: string, eventId: string, error: string): Promise<void> {
    await query(
      em,
      `update mutuo_parked_events set reason = 'failed', error = ?, attempts = attempts + 1, last_attempt_at = clock_timestamp()
       where projection = ? and event_id = ?`,
      [error, projection, eventId],
    );
  },

  async remove(em: EntityManager, projection: string, eventId: string): Promise<void> {
    await query(em, 'delete from mutuo_parked_events where projection = ? and event_id = ?', [projection, eventId]);
  },

  async removeAll(em: EntityManager, projection: string): Promise<void> {
    await query(em, 'delete from mutuo_parked_events where projection = ?', [projection]);
  },

  /** The projection's parked events, each stream's in stream order. */
  async list(em: EntityManager, projection: string): Promise<ParkedEvent[]> {
    const rows = await query<ParkedEventRow>(
      em,
      `select projection, event_id, global_position::text, stream_id, stream_position, pod_id, event_type, reason, error, attempts, parked_at
       from mutuo_parked_events where projection = ? order by stream_id, stream_position`,
      [projection],
    );
    return rows.map((row) => ({
      projection: row.projection,
      eventId: row.event_id,
      globalPosition: row.global_position,
      streamId: row.stream_id,
      streamPosition: Number(row.stream_position),
      podId: row.pod_id,
      eventType: row.event_type,
      reason: row.reason,
      error: row.error,
      attempts: Number(row.attempts),
      parkedAt: row.parked_at instanceof Date ? row.parked_at.toISOString() : String(row.parked_at),
    }));
  },

  /** Parked events per projection, for the metrics. */
  async counts(em: EntityManager): Promise<Map<string, number>> {
    const rows = await query<{ projection: string; parked: number }>(
      em,
      'select projection, count(*)::int as parked from mutuo_parked_events group by projection',
    );
    return new Map(rows.map((row) => [row.projection, Number(row.parked)]));
  },
};
