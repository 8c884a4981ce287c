import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';

/** Cell size the candidate index works at: precision 5 is about 4.9 km × 4.9 km. */
export const SEARCH_CELL_PRECISION = 5;
/** `cell5` of a helper or offer whose place is unknown. */
export const UNKNOWN_CELL = '~';
/** `skill` of a helper who has not named any skills: they may be asked for anything. */
export const ANY_SKILL = '*';

/**
 * Rebuilds the helper's rows in the candidate index from pod_helpers: one per skill, none while paused or after
 * leaving. Called after every change to a helper, in the same transaction.
 */
export async function refreshHelperSearch(em: EntityManager, memberId: string): Promise<void> {
  await query(em, 'delete from helper_search where member_id = ?', [memberId]);
  await query(
    em,
    `insert into helper_search (member_id, pod_id, skill, cell5, last_helped_at)
     select h.member_id, h.pod_id, s.skill, coalesce(left(h.location_cell, ${SEARCH_CELL_PRECISION}), '${UNKNOWN_CELL}'), h.last_helped_at
     from pod_helpers h
     cross join lateral unnest(case when cardinality(h.skills) = 0 then array['${ANY_SKILL}'] else h.skills end) as s(skill)
     where h.member_id = ? and not h.paused and h.left_at is null`,
    [memberId],
  );
}

/** Whether membership said this member was erased: late events about them must not bring them back. */
export async function isErased(em: EntityManager, memberId: string): Promise<boolean> {
  return (await query(em, 'select 1 from erased_members where member_id = ?', [memberId])).length > 0;
}
