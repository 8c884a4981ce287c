import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql';

/** The transaction-local setting that row-level-security policies compare `pod_id` with. */
export const POD_SETTING = 'mutuo.pod_id';

/**
 * Sets the pod for the rest of the current transaction (`set_config(..., true)`), so read-model
 * policies only let this pod's rows through. Outside a transaction it would not stick, so it refuses.
 */
export async function setTransactionPod(em: EntityManager, podId: string | null): Promise<void> {
  if (!em.isInTransaction()) throw new Error('setTransactionPod needs a transaction');
  await query(em, 'select set_config(?, ?, true)', [POD_SETTING, podId ?? '']);
}

/** Runs `work` in a new transaction scoped to one pod. */
export async function inPodTransaction<T>(em: EntityManager, podId: string | null, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await setTransactionPod(tx, podId);
    return work(tx);
  });
}
