import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { capacityInMatches, type ScoringSettings } from '../domain/helper-scoring';
import type { DirectHelperFacts, RequestReach } from '../domain/request-matching.commands';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from '../shared/policy-settings';

/** Where a request lives and how far it may be seen from the responding member's pod. */
export interface RequestWhereabouts {
  readonly podId: string;
  readonly reach: RequestReach;
}

/**
 * The request as the responder's pod may learn of it: read across pods (select-only scan policy) because "I can help"
 * may come from another pod of the region; the decider then says whether its visibility lets it be reached.
 */
export async function requestWhereabouts(tx: EntityManager, requestId: string, responderPodId: string): Promise<RequestWhereabouts | null> {
  await query(tx, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
  const [row] = await query<{ pod_id: string; visibility: string; escalated: boolean; same_region: boolean }>(
    tx,
    `select r.pod_id, r.visibility, ?::uuid = any(r.escalated_to) as escalated,
            coalesce(rp.region_id is not null and rp.region_id = hp.region_id, false) as same_region
     from tracked_requests r
       left join matching_pods rp on rp.pod_id = r.pod_id
       left join matching_pods hp on hp.pod_id = ?::uuid
     where r.request_id = ?`,
    [responderPodId, responderPodId, requestId],
  );
  await query(tx, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
  if (!row) return null;
  const visibility = row.visibility === 'region' || row.visibility === 'public' ? row.visibility : 'pod';
  return { podId: row.pod_id, reach: { visibility, sameRegion: row.same_region, escalatedToHelperPod: row.escalated } };
}

/** Pause, load and capacity of a member of the transaction's pod, and whether they are in a block with the requester. */
export async function helperFacts(tx: EntityManager, memberId: string, requestId: string, scoring: ScoringSettings): Promise<DirectHelperFacts | null> {
  await query(tx, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
  const [row] = await query<{ paused: boolean; active_matches: number; weekly_capacity_hours: string | null; blocked: boolean }>(
    tx,
    `select h.paused, h.active_matches, h.weekly_capacity_hours,
            exists (select 1 from helper_blocks b join tracked_requests r on r.request_id = ?
                    where b.active and ((b.blocker_member_id = r.requester_member_id and b.blocked_member_id = h.member_id)
                                     or (b.blocked_member_id = r.requester_member_id and b.blocker_member_id = h.member_id))) as blocked
     from pod_helpers h where h.member_id = ? and h.left_at is null`,
    [requestId, memberId],
  );
  await query(tx, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
  if (!row) return null;
  const weeklyCapacityHours = row.weekly_capacity_hours === null ? null : Number(row.weekly_capacity_hours);
  return {
    paused: row.paused,
    blockedWithRequester: row.blocked,
    activeMatches: row.active_matches,
    capacityMatches: capacityInMatches({ weeklyCapacityHours }, scoring),
  };
}

/** An open offer of the caller's pod (row-level security), with who made it. */
export async function openOffer(tx: EntityManager, offerId: string): Promise<{ offererMemberId: string; offererPodId: string } | null> {
  const [row] = await query<{ helper_member_id: string; pod_id: string }>(
    tx,
    `select helper_member_id, pod_id from open_offers where offer_id = ? and status = 'open'`,
    [offerId],
  );
  return row ? { offererMemberId: row.helper_member_id, offererPodId: row.pod_id } : null;
}
