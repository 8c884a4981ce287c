import type { DeliveryState } from '../../domain/delivery.decider';

/** A delivery the worker found due (by a scan, or just decided in this process). */
export interface DueRow {
  delivery_id: string;
  pod_id: string | null;
  recipient_member_id: string | null;
  channel: string;
  /** Known when the row comes from the read model; time-critical kinds go first. */
  kind?: string;
}

/** What became of one delivery in a pass. */
export type Attempt = 'sent' | 'postponed' | 'failed' | 'skipped';

export type CountAttempt = (attempt: Attempt) => void;

/** A delivery's stream as it stood when its send attempt started. */
export interface StartedAttempt {
  state: DeliveryState;
  version: number;
}

/** Runs `work` for every item, at most `limit` at once. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
