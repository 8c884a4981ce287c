import type { EntityManager } from '@mikro-orm/postgresql';
import { pgErrorCode, query } from '../sql';
import { START_OF_ALL, type GlobalCheckpoint } from '../types';

interface CheckpointRow {
  transaction_id: string;
  global_position: string;
}

export interface ProjectionLag {
  readonly events: number;
  readonly oldestAgeSeconds: number;
}

const toCheckpoint = (row: CheckpointRow): GlobalCheckpoint => ({ transactionId: row.transaction_id, globalPosition: row.global_position });

/** Each projection's position in the global order, one row per projection in mutuo_projection_checkpoints. */
export const projectionCheckpoints = {
  async ensure(em: EntityManager, name: string): Promise<void> {
    try {
      await query(em, 'insert into mutuo_projection_checkpoints (projection) values (?) on conflict do nothing', [name]);
    } catch (error) {
      if (pgErrorCode(error) !== '23505') throw error;
    }
  },

  /** Waits for a batch in progress on another replica, then holds the row until the transaction ends. */
  async lock(tx: EntityManager, name: string): Promise<void> {
    await query(tx, 'select 1 from mutuo_projection_checkpoints where projection = ? for update', [name]);
  },

  /** The checkpoint, locked for the transaction; undefined when another replica holds it (a batch in progress there). */
  async lockUnlessBusy(tx: EntityManager, name: string): Promise<GlobalCheckpoint | undefined> {
    const [row] = await query<CheckpointRow>(
      tx,
      `select transaction_id::text, global_position::text from mutuo_projection_checkpoints
       where projection = ? for update skip locked`,
      [name],
    );
    return row ? toCheckpoint(row) : undefined;
  },

  async read(em: EntityManager, name: string): Promise<GlobalCheckpoint> {
    const [row] = await query<CheckpointRow>(em, 'select transaction_id::text, global_position::text from mutuo_projection_checkpoints where projection = ?', [
      name,
    ]);
    return row ? toCheckpoint(row) : { ...START_OF_ALL };
  },

  async move(tx: EntityManager, name: string, to: GlobalCheckpoint): Promise<void> {
    await query(
      tx,
      `update mutuo_projection_checkpoints set transaction_id = ?::xid8, global_position = ?, updated_at = clock_timestamp()
       where projection = ?`,
      [to.transactionId, to.globalPosition, name],
    );
  },

  /** Events of `eventTypes` past the projection's checkpoint, and how long ago the oldest of them was committed (0 when none). */
  async behind(em: EntityManager, name: string, eventTypes: readonly string[]): Promise<ProjectionLag> {
    const [row] = await query<{ events: number; oldest_age_seconds: number | null }>(
      em,
      `select count(*)::int as events, extract(epoch from clock_timestamp() - min(e.recorded_at))::float8 as oldest_age_seconds from mutuo_events e
       left join mutuo_projection_checkpoints c on c.projection = ?
       where (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
         and e.type in (select jsonb_array_elements_text(?::jsonb))`,
      [name, JSON.stringify(eventTypes)],
    );
    return { events: Number(row?.events ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)) };
  },

  /**
   * Which of `projections` have an event of their types readable past their checkpoint now, or no checkpoint yet:
   * one statement for all of them, so a poll that finds nothing opens no batch transaction at all. Readable as
   * `readAll` reads (below the oldest running transaction), so a projection left out has nothing `readAll` would give.
   */
  async withReadableEvents(em: EntityManager, projections: readonly { readonly name: string; readonly eventTypes: readonly string[] }[]): Promise<Set<string>> {
    const rows = await query<{ name: string }>(
      em,
      `select p.name from jsonb_to_recordset(?::jsonb) as p(name text, types text[])
       left join mutuo_projection_checkpoints c on c.projection = p.name
       where c.projection is null or exists (
         select 1 from mutuo_events e
         where (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
           and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           and e.type = any(p.types))`,
      [JSON.stringify(projections.map((projection) => ({ name: projection.name, types: projection.eventTypes })))],
    );
    return new Set(rows.map((row) => row.name));
  },

  /** Events of `eventTypes` past the projection's checkpoint. */
  async eventsBehind(em: EntityManager, name: string, eventTypes: readonly string[]): Promise<number> {
    const [row] = await query<{ behind: number }>(
      em,
      `select count(*)::int as behind from mutuo_events e
       left join mutuo_projection_checkpoints c on c.projection = ?
       where (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
         and e.type in (select jsonb_array_elements_text(?::jsonb))`,
      [name, JSON.stringify(eventTypes)],
    );
    return Number(row?.behind ?? 0);
  },
};
