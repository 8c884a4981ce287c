import type { EntityManager } from '@mikro-orm/postgresql';
import { POD_SETTING, query } from '@mutuo/event-store';

/**
 * The events each consumer has handled. A row is written in the same transaction as the handler's
 * effects, so an event delivered again (JetStream delivers at least once) changes nothing.
 * Add it to the consuming service's first migration next to EVENT_STORE_SCHEMA_SQL.
 */
export const INBOX_SCHEMA_SQL = `
create table if not exists mutuo_inbox (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default clock_timestamp(),
  constraint mutuo_inbox_pkey primary key (consumer, event_id)
);
create index if not exists mutuo_inbox_processed_at_idx on mutuo_inbox (processed_at);
`;

export interface InboxEntry {
  readonly consumer: string;
  readonly eventId: string;
  /** Pod the transaction is scoped to (row-level security), null for events of no pod. */
  readonly podId: string | null;
}

/**
 * Runs `work` at most once per consumer and event: in a new transaction on a fork of `em`, the inbox
 * row is inserted first; when it already exists the event was handled and `work` is skipped.
 * While `work` runs, MikroORM's transaction context makes the global EntityManager join the transaction.
 * Returns whether `work` ran.
 */
export async function handleOnce(em: EntityManager, entry: InboxEntry, work: (tx: EntityManager) => Promise<void>): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    // One round trip claims the event and, only when it is new, scopes the transaction to its pod (RLS).
    const claimed = await query(
      tx,
      `with inserted as (
         insert into mutuo_inbox (consumer, event_id) values (?, ?) on conflict do nothing returning event_id
       )
       select set_config(?, ?, true) from inserted`,
      [entry.consumer, entry.eventId, POD_SETTING, entry.podId ?? ''],
      { preparedAs: 'mutuo_inbox_claim_v1' },
    );
    if (claimed.length === 0) return false;
    await work(tx);
    return true;
  });
}

/**
 * Forgets handled events older than `olderThan`. Only safe beyond the time an event can still be
 * delivered again, i.e. older than the event streams' max age.
 */
export async function pruneInbox(em: EntityManager, olderThan: Date): Promise<number> {
  const rows = await query(em.fork(), 'delete from mutuo_inbox where processed_at < ? returning 1', [olderThan.toISOString()]);
  return rows.length;
}
