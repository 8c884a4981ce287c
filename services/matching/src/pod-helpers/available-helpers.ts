import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';

/**
 * The members of a pod who may be asked to help someone, oldest members first: never the requester, never
 * a paused member, never anyone in a block with the requester (whoever blocked whom).
 */
export async function availableHelpers(em: EntityManager, podId: string, requesterMemberId: string): Promise<string[]> {
  const rows = await query<{ member_id: string }>(
    em,
    `select h.member_id from pod_helpers h
     where h.pod_id = ? and h.member_id <> ? and not h.paused
       and not exists (
         select 1 from helper_blocks b
         where b.active
           and ((b.blocker_member_id = ? and b.blocked_member_id = h.member_id)
             or (b.blocked_member_id = ? and b.blocker_member_id = h.member_id))
       )
     order by h.joined_at, h.member_id`,
    [podId, requesterMemberId, requesterMemberId, requesterMemberId],
  );
  return rows.map((row) => row.member_id);
}
