import type { EntityManager } from '@mikro-orm/postgresql';
import { geohashWithNeighbours, type WeekRange } from '@mutuo/domain';
import { query } from '@mutuo/event-store';
import { REMOTE_CATEGORIES, type HelperCandidate, type RequestToMatch } from '../domain/helper-scoring';
import { ANY_SKILL, SEARCH_CELL_PRECISION, UNKNOWN_CELL } from '../pod-helpers/helper-search.read-model';

/** How many helpers (and offers) are read per pod, skill and cell, least recently helped first. */
export const CANDIDATES_PER_CELL = 8;

interface CandidateRow {
  member_id: string;
  pod_id: string;
  offer_id: string | null;
  offer_category: string | null;
  offer_subcategory: string | null;
  skills: string[] | null;
  languages: string[] | null;
  location_cell: string | null;
  availability: WeekRange[] | null;
  timezone: string | null;
  quiet_start: string | null;
  quiet_end: string | null;
  weekly_capacity_hours: string | null;
  active_matches: number | null;
  paused: boolean | null;
  blocked: boolean;
  last_helped_at: Date | null;
}

/** The cells to look in: the request's cell and its neighbours at index precision, plus helpers of unknown place; null = anywhere. */
export function searchCells(request: Pick<RequestToMatch, 'category' | 'locationCell'>): string[] | null {
  if (REMOTE_CATEGORIES.includes(request.category) || !request.locationCell) return null;
  return [...geohashWithNeighbours(request.locationCell.slice(0, SEARCH_CELL_PRECISION)), UNKNOWN_CELL];
}

/**
 * Helpers and offers that could fit the request, read through the candidate indexes: for every pod, skill
 * (the request's category, or "any") and nearby cell a bounded slice, so the cost depends on the slices, not on how
 * many members or offers the region has. Exclusions and scoring happen in the domain (rankSuggestions).
 */
export async function findCandidates(
  em: EntityManager,
  request: RequestToMatch,
  podIds: readonly string[],
  options: { readonly preferRested: boolean } = { preferRested: true },
): Promise<HelperCandidate[]> {
  const cells = searchCells(request);
  // With fairness on, each slice starts with those who helped least recently; with it off, the slice is arbitrary but stable.
  const order = options.preferRested ? 'hs.last_helped_at nulls first, hs.member_id' : 'hs.member_id';
  const pods = `{${podIds.join(',')}}`;
  const skills = `{${request.category},${ANY_SKILL}}`;
  const memberHits = cells
    ? `select s.member_id from unnest(?::uuid[]) p(pod_id) cross join unnest(?::text[]) k(skill) cross join unnest(?::text[]) c(cell)
       cross join lateral (select hs.member_id from helper_search hs where hs.pod_id = p.pod_id and hs.skill = k.skill and hs.cell5 = c.cell
                           order by ${order} limit ${CANDIDATES_PER_CELL}) s`
    : `select s.member_id from unnest(?::uuid[]) p(pod_id) cross join unnest(?::text[]) k(skill)
       cross join lateral (select hs.member_id from helper_search hs where hs.pod_id = p.pod_id and hs.skill = k.skill
                           order by ${order} limit ${CANDIDATES_PER_CELL * 4}) s`;
  const offerHits = cells
    ? `select s.offer_id from unnest(?::uuid[]) p(pod_id) cross join unnest(?::text[]) c(cell)
       cross join lateral (select o.offer_id from open_offers o where o.status = 'open' and o.pod_id = p.pod_id and o.category = ? and o.cell5 = c.cell
                           order by o.version_at limit ${CANDIDATES_PER_CELL}) s`
    : `select s.offer_id from unnest(?::uuid[]) p(pod_id)
       cross join lateral (select o.offer_id from open_offers o where o.status = 'open' and o.pod_id = p.pod_id and o.category = ?
                           order by o.version_at limit ${CANDIDATES_PER_CELL * 4}) s`;
  const memberParams = cells ? [pods, skills, `{${cells.join(',')}}`] : [pods, skills];
  const offerParams = cells ? [pods, `{${cells.join(',')}}`, request.category] : [pods, request.category];
  const requester = request.requesterMemberId;
  const rows = await query<CandidateRow>(
    em,
    `with member_hits as (${memberHits}), offer_hits as (${offerHits}),
     hits as (
       select distinct h.member_id, null::uuid as offer_id from member_hits h
       union all
       select o.helper_member_id, o.offer_id from offer_hits x join open_offers o on o.offer_id = x.offer_id
     )
     select hits.member_id, coalesce(h.pod_id, o.pod_id) as pod_id, hits.offer_id, o.category as offer_category, o.subcategory as offer_subcategory,
       h.skills, h.languages, coalesce(h.location_cell, o.location_cell) as location_cell, h.availability, h.timezone, h.quiet_start, h.quiet_end,
       h.weekly_capacity_hours, h.active_matches, h.paused, h.last_helped_at,
       exists (select 1 from helper_blocks b where b.active and ((b.blocker_member_id = ? and b.blocked_member_id = hits.member_id)
                                                            or (b.blocked_member_id = ? and b.blocker_member_id = hits.member_id))) as blocked
     from hits
     left join pod_helpers h on h.member_id = hits.member_id
     left join open_offers o on o.offer_id = hits.offer_id
     where h.left_at is null`,
    [...memberParams, ...offerParams, requester, requester],
  );
  return rows.map(toCandidate);
}

function toCandidate(row: CandidateRow): HelperCandidate {
  return {
    memberId: row.member_id,
    podId: row.pod_id,
    offer: row.offer_id ? { offerId: row.offer_id, category: row.offer_category!, subcategory: row.offer_subcategory } : null,
    skills: row.skills ?? [],
    languages: row.languages ?? [],
    locationCell: row.location_cell,
    availability: row.availability,
    timezone: row.timezone,
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    weeklyCapacityHours: row.weekly_capacity_hours === null ? null : Number(row.weekly_capacity_hours),
    activeMatches: row.active_matches ?? 0,
    paused: row.paused ?? false,
    blockedWithRequester: row.blocked,
    lastHelpedAt: row.last_helped_at ? new Date(row.last_helped_at).toISOString() : null,
  };
}
