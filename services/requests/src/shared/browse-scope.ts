import type { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, POD_SETTING, query } from '@mutuo/event-store';

/** The transaction-local setting the region-browse policies compare `region_id` with. */
export const REGION_SETTING = 'mutuo.region_id';

/** POD: the caller's pod only. REGION: also other pods' open region- and public-visibility listings of the same region. */
export type BrowseScope = 'pod' | 'region';

/**
 * Runs `work` in a transaction scoped to the caller's pod that may also read region-visible rows of the pod's region
 * (the region comes from pod_facts, in the same statement, so a pod without a known region sees only itself).
 */
export function inRegionTransaction<T>(em: EntityManager, podId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return inPodTransaction(em, podId, async (tx) => {
    await query(tx, `select set_config(?, coalesce((select region_id::text from pod_facts where pod_id = ?), ''), true)`, [REGION_SETTING, podId]);
    return work(tx);
  });
}

/** SQL that is true for a row of the caller's own pod (precise points never leave it). */
export const IN_CALLER_POD_SQL = `pod_id = nullif(current_setting('${POD_SETTING}', true), '')::uuid`;
