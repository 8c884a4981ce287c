import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type GlobalCheckpoint } from '@mutuo/event-store';

/** Never moves backwards: a relay that lost its lock mid-batch cannot undo its successor's progress. */
const MOVE_CHECKPOINT_SQL = `
  update mutuo_outbox_checkpoints
  set transaction_id = ?::xid8, global_position = ?::bigint, updated_at = clock_timestamp()
  where relay = ? and (transaction_id, global_position) < (?::xid8, ?::bigint)`;

/** The events to publish after the stored checkpoint (all of them while there is none yet). */
const AFTER_CHECKPOINT = `
  from mutuo_events
  where publish_subject is not null
    and (transaction_id, global_position) > (
      coalesce((select c.transaction_id from mutuo_outbox_checkpoints c where c.relay = ?), '0'::xid8),
      coalesce((select c.global_position from mutuo_outbox_checkpoints c where c.relay = ?), 0))`;

export interface OutboxBacklog {
  readonly events: number;
  readonly oldestAgeSeconds: number;
}

/**
 * The outbox relay's position, stored in its row of `mutuo_outbox_checkpoints` (shared by every relay that
 * competes for the same lock), and what is still to publish after it.
 */
export class OutboxCheckpointStore {
  constructor(
    private readonly entityManager: EntityManager,
    /** The relay's row, named after its advisory lock. */
    private readonly name: string,
  ) {}

  async load(): Promise<GlobalCheckpoint> {
    const em = this.entityManager.fork();
    await query(em, 'insert into mutuo_outbox_checkpoints (relay) values (?) on conflict (relay) do nothing', [this.name]);
    const [row] = await query<{ transaction_id: string; global_position: string }>(
      em,
      'select transaction_id, global_position from mutuo_outbox_checkpoints where relay = ?',
      [this.name],
    );
    if (!row) throw new Error(`The outbox checkpoint "${this.name}" vanished`);
    return { transactionId: String(row.transaction_id), globalPosition: String(row.global_position) };
  }

  async move(to: GlobalCheckpoint): Promise<void> {
    await query(this.entityManager.fork(), MOVE_CHECKPOINT_SQL, [to.transactionId, to.globalPosition, this.name, to.transactionId, to.globalPosition], {
      preparedAs: 'mutuo_outbox_move_checkpoint_v1',
    });
  }

  async hasPending(): Promise<boolean> {
    // A scalar subquery keeps ORDER BY … LIMIT 1, so it walks the publish index from the checkpoint; an
    // EXISTS would drop the ordering, and the planner, guessing a third of the table matches, would scan it.
    const [row] = await query<{ pending: boolean }>(
      this.entityManager.fork(),
      `select (select 1 ${AFTER_CHECKPOINT} order by transaction_id, global_position limit 1) is not null as pending`,
      [this.name, this.name],
      { preparedAs: 'mutuo_outbox_has_pending_v1' },
    );
    return row?.pending ?? false;
  }

  /** What is still to publish: how many events, and how long ago the oldest of them was committed (0 when none). */
  async backlog(): Promise<OutboxBacklog> {
    return this.entityManager.fork().transactional(async (em) => {
      await query(em, 'set local enable_seqscan = off');
      const [row] = await query<{ events: number; oldest_age_seconds: number | null }>(
        em,
        `select count(*)::int as events, extract(epoch from clock_timestamp() - min(recorded_at))::float8 as oldest_age_seconds ${AFTER_CHECKPOINT}`,
        [this.name, this.name],
      );
      return { events: Number(row?.events ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)) };
    });
  }

  async countPending(): Promise<number> {
    return this.entityManager.fork().transactional(async (em) => {
      // The planner cannot estimate a range over xid8 and would scan the whole table to count a few rows.
      await query(em, 'set local enable_seqscan = off');
      const [row] = await query<{ pending: number }>(em, `select count(*)::int as pending ${AFTER_CHECKPOINT}`, [this.name, this.name]);
      return row?.pending ?? 0;
    });
  }
}
