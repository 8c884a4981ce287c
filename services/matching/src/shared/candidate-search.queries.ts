import type { EntityManager } from '@mikro-orm/postgresql';
import { geohashWithNeighbours, type WeekRange } from '@mutuo/domain';
import { query } from '@mutuo/event-store';
import { REMOTE_CATEGORIES, type HelperCandidate, type RequestToMatch } from '../domain/helper-scoring';
import { ANY_SKILL, SEARCH_CELL_PRECISION, UNKNOWN_CELL } from './helper-search.read-model';

/** How many helpers (and offers) are read per pod, skill and cell, least recently helped first. */
export const CANDIDATES_PER_CELL = 8;

/** A candidate as the search returns it (as a row, or as a JSON object when aggregated). */
export interface CandidateRow {
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
  /** numeric: a string as a row, a number inside JSON. */
  weekly_capacity_hours: string | number | null;
  active_matches: number | null;
  paused: boolean | null;
  blocked: boolean;
  /** A Date as a row, an ISO string inside JSON. */
  last_helped_at: Date | string | null;
}

/** The cells to look in: the request's cell and its neighbours at index precision, plus helpers of unknown place; null = anywhere. */
export function searchCells(request: Pick<RequestToMatch, 'category' | 'locationCell'>): string[] | null {
  if (REMOTE_CATEGORIES.includes(request.category) || !request.locationCell) return null;
  return [...geohashWithNeighbours(request.locationCell.slice(0, SEARCH_CELL_PRECISION)), UNKNOWN_CELL];
}

/** What the candidate search looks for. */
export interface CandidateSearch {
  readonly podIds: readonly string[];
  readonly category: string;
  /** From searchCells: null reads the pods' slices regardless of place. */
  readonly cells: readonly string[] | null;
  /** With fairness on, each slice starts with those who helped least recently; with it off, the slice is arbitrary but stable. */
  readonly preferRested: boolean;
}

/** The shape of the statement: its text depends on nothing else, so each shape is one prepared statement. */
export const candidateSearchShape = (search: Pick<CandidateSearch, 'cells' | 'preferRested'>) =>
  `${search.cells ? 'near' : 'anywhere'}_${search.preferRested ? 'rested' : 'stable'}`;

/**
 * The candidate search as common table expressions ending in `candidates`, read through the candidate indexes: for
 * every pod, skill (the request's category, or "any") and nearby cell a bounded slice, so the cost depends on the
 * slices, not on how many members or offers the region has. Exclusions and scoring happen in the domain
 * (rankSuggestions). `requester` is the SQL the requester's id comes from (a parameter, or a column of the statement).
 * Placeholders, in order: candidateSearchParams.
 */
export function candidateSearchCtes(search: Pick<CandidateSearch, 'cells' | 'preferRested'>, requester: string): string {
  const order = search.preferRested ? 'hs.last_helped_at nulls first, hs.member_id' : 'hs.member_id';
  // The slices come as one multi-array unnest rather than a cross join of pods × skills × cells: the plan for any
  // arrays (the generic plan) then expects about as many slices as there are, costs about what a plan for the actual
  // arrays costs, and PostgreSQL keeps the prepared statement's generic plan instead of planning every execution again.
  const memberHits = search.cells
    ? `select s.member_id from unnest(?::uuid[], ?::text[], ?::text[]) slice(pod_id, skill, cell)
       cross join lateral (select hs.member_id from helper_search hs where hs.pod_id = slice.pod_id and hs.skill = slice.skill and hs.cell5 = slice.cell
                           order by ${order} limit ${CANDIDATES_PER_CELL}) s`
    : `select s.member_id from unnest(?::uuid[], ?::text[]) slice(pod_id, skill)
       cross join lateral (select hs.member_id from helper_search hs where hs.pod_id = slice.pod_id and hs.skill = slice.skill
                           order by ${order} limit ${CANDIDATES_PER_CELL * 4}) s`;
  // The offer's own columns come with the index scan's heap visit: no second lookup by offer id.
  const offerColumns = 'o.offer_id, o.helper_member_id, o.pod_id, o.category, o.subcategory, o.location_cell';
  const offerHits = search.cells
    ? `select s.* from unnest(?::uuid[], ?::text[]) slice(pod_id, cell)
       cross join lateral (select ${offerColumns} from open_offers o where o.status = 'open' and o.pod_id = slice.pod_id and o.category = ? and o.cell5 = slice.cell
                           order by o.version_at limit ${CANDIDATES_PER_CELL}) s`
    : `select s.* from unnest(?::uuid[]) slice(pod_id)
       cross join lateral (select ${offerColumns} from open_offers o where o.status = 'open' and o.pod_id = slice.pod_id and o.category = ?
                           order by o.version_at limit ${CANDIDATES_PER_CELL * 4}) s`;
  return `member_hits as (${memberHits}), offer_hits as (${offerHits}),
     hits as (
       select distinct h.member_id, null::uuid as offer_id, null::uuid as offer_pod_id, null::text as offer_category,
         null::text as offer_subcategory, null::text as offer_location_cell
       from member_hits h
       union all
       select o.helper_member_id, o.offer_id, o.pod_id, o.category, o.subcategory, o.location_cell from offer_hits o
     ),
     -- Blocked either way with the requester: read once, not once per candidate.
     blocked_with_requester as (
       select b.blocked_member_id as member_id from helper_blocks b where b.active and b.blocker_member_id = ${requester}
       union
       select b.blocker_member_id from helper_blocks b where b.active and b.blocked_member_id = ${requester}
     ),
     candidates as (
       select hits.member_id, coalesce(h.pod_id, hits.offer_pod_id) as pod_id, hits.offer_id, hits.offer_category, hits.offer_subcategory,
         h.skills, h.languages, coalesce(h.location_cell, hits.offer_location_cell) as location_cell, h.availability, h.timezone,
         h.quiet_start, h.quiet_end, h.weekly_capacity_hours, h.active_matches, h.paused, h.last_helped_at,
         hits.member_id in (select member_id from blocked_with_requester) as blocked
       from hits
       left join pod_helpers h on h.member_id = hits.member_id
       where h.left_at is null
     )`;
}

/** The values of candidateSearchCtes' placeholders, in order: the slices as parallel arrays (pod, skill, cell). */
export function candidateSearchParams(search: CandidateSearch): unknown[] {
  const array = (values: readonly string[]) => `{${values.join(',')}}`;
  const skills = [search.category, ANY_SKILL];
  const cells = search.cells;
  if (!cells) {
    const memberSlices = search.podIds.flatMap((podId) => skills.map((skill) => [podId, skill] as const));
    return [array(memberSlices.map(([podId]) => podId)), array(memberSlices.map(([, skill]) => skill)), array(search.podIds), search.category];
  }
  const memberSlices = search.podIds.flatMap((podId) => skills.flatMap((skill) => cells.map((cell) => [podId, skill, cell] as const)));
  const offerSlices = search.podIds.flatMap((podId) => cells.map((cell) => [podId, cell] as const));
  return [
    array(memberSlices.map(([podId]) => podId)),
    array(memberSlices.map(([, skill]) => skill)),
    array(memberSlices.map(([, , cell]) => cell)),
    array(offerSlices.map(([podId]) => podId)),
    array(offerSlices.map(([, cell]) => cell)),
    search.category,
  ];
}

/**
 * Helpers and offers that could fit the request (see candidateSearchCtes). The text of each shape never changes,
 * so it runs as a prepared statement, parsed and planned once per connection.
 */
export async function findCandidates(
  em: EntityManager,
  request: RequestToMatch,
  podIds: readonly string[],
  options: { readonly preferRested: boolean } = { preferRested: true },
): Promise<HelperCandidate[]> {
  const search: CandidateSearch = { podIds, category: request.category, cells: searchCells(request), preferRested: options.preferRested };
  const rows = await query<CandidateRow>(
    em,
    `with ${candidateSearchCtes(search, '?::uuid')} select * from candidates`,
    [...candidateSearchParams(search), request.requesterMemberId, request.requesterMemberId],
    { preparedAs: `matching_find_candidates_${candidateSearchShape(search)}_v2` },
  );
  return rows.map(toCandidate);
}

export function toCandidate(row: CandidateRow): HelperCandidate {
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
