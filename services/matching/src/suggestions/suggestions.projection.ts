import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query, setTransactionPod } from '@mutuo/event-store';
import { assertNever } from '@mutuo/domain';
import type { RequestMatchingEvent } from '../domain/request-matching.events';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from '../shared/policy-settings';
import { refreshHelperSearch } from '../shared/helper-search.read-model';

const HANDLED = [
  'SuggestionsMade',
  'SuggestionAccepted',
  'SuggestionDeclined',
  'HelperAssigned',
  'HelpOffered',
  'OfferAskedFor',
  'MatchMade',
  'MatchWithdrawn',
  'RequestEscalated',
  'EscalationWithdrawn',
  'SuggestionFeedbackGiven',
  'RequestClosed',
] as const satisfies readonly RequestMatchingEvent['type'][];
type Handled = Extract<RequestMatchingEvent, { type: (typeof HANDLED)[number] }>;

/** A member id, or null once the member was erased (so a rebuild does not bring their id back); takes it twice. */
const unlessErased = 'case when exists (select 1 from erased_members e where e.member_id = ?::uuid) then null else ?::uuid end';

const ZERO_PARTS = JSON.stringify({ category: 0, time: 0, distance: 0, language: 0, skills: 0, fairness: 0 });

/**
 * Suggestions, matches and the request's place in matching (open, matched, escalated, closed), from the request
 * streams. Also keeps each helper's load (unfinished matches, when they last helped) for capacity and fairness.
 */
export const suggestionsProjection = defineProjection<Handled>({
  name: 'suggestions',
  eventTypes: HANDLED,

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'SuggestionsMade': {
        const { requestId, podId, round, suggestions, madeAt } = event.data;
        // Two statements whatever the number of suggestions (withdrawing and re-suggesting one row cannot share a statement).
        // Direct responses stay: a "could I have one?" waits for the offerer, not for the next round.
        await query(
          em,
          `update suggestions_view set status = 'withdrawn' where request_id = ? and status = 'open' and not assigned and source not in ('offered', 'asked')`,
          [requestId],
          { preparedAs: 'matching_withdraw_open_suggestions_v2' },
        );
        // One row per suggestion id, the last one winning, as one upsert per suggestion in turn would leave it.
        const rows = [...new Map(suggestions.map((s) => [s.suggestionId, s] as const)).values()].map((s) => ({
          suggestion_id: s.suggestionId,
          helper_member_id: s.helperMemberId,
          helper_pod_id: s.helperPodId,
          offer_id: s.offerId,
          score: s.score,
          parts: s.parts,
          source: s.source,
          expires_at: s.expiresAt,
        }));
        if (rows.length === 0) return;
        await query(
          em,
          `insert into suggestions_view (suggestion_id, request_id, pod_id, helper_member_id, helper_pod_id, offer_id, score, parts, source, status, round, expires_at, made_at, shared)
           select s.suggestion_id, ?::uuid, ?::uuid,
             case when exists (select 1 from erased_members e where e.member_id = s.helper_member_id) then null else s.helper_member_id end,
             s.helper_pod_id, s.offer_id, s.score, s.parts, s.source,
             case when exists (select 1 from erased_members e where e.member_id = s.helper_member_id) then 'withdrawn' else 'open' end,
             ?::int, s.expires_at, ?::timestamptz,
             case when s.source = 'escalated' then (select r.escalation_shared from tracked_requests r where r.request_id = ?::uuid) end
           from jsonb_to_recordset(?::jsonb) as s(suggestion_id uuid, helper_member_id uuid, helper_pod_id uuid, offer_id uuid, score double precision,
                                                  parts jsonb, source text, expires_at timestamptz)
           on conflict (suggestion_id) do update set status = excluded.status, score = excluded.score, parts = excluded.parts, round = excluded.round,
             expires_at = excluded.expires_at, made_at = excluded.made_at`,
          [requestId, podId, round, madeAt, requestId, JSON.stringify(rows)],
          { preparedAs: 'matching_suggestions_made_v1' },
        );
        return;
      }
      case 'SuggestionAccepted':
        await query(em, `update suggestions_view set status = 'accepted', answered_at = ? where suggestion_id = ?`, [
          event.data.acceptedAt,
          event.data.suggestionId,
        ]);
        return;
      case 'SuggestionDeclined':
        await query(em, `update suggestions_view set status = 'declined', answered_at = ?, decline_reason = ? where suggestion_id = ?`, [
          event.data.declinedAt,
          event.data.reason,
          event.data.suggestionId,
        ]);
        return;
      case 'HelperAssigned': {
        const d = event.data;
        await query(
          em,
          `insert into suggestions_view (suggestion_id, request_id, pod_id, helper_member_id, helper_pod_id, offer_id, score, parts, source, status, assigned, round, expires_at, made_at)
           values (?, ?, ?, ${unlessErased}, ?, ?, 0, ?::jsonb, 'assigned', 'open', true,
                   coalesce((select max(round) from suggestions_view where request_id = ?), 1), ?, ?)
           on conflict (suggestion_id) do update set assigned = true`,
          [
            d.suggestionId,
            d.requestId,
            d.podId,
            d.helperMemberId,
            d.helperMemberId,
            d.helperPodId,
            d.offerId,
            ZERO_PARTS,
            d.requestId,
            d.assignedAt,
            d.assignedAt,
          ],
        );
        return;
      }
      case 'HelpOffered': {
        const d = event.data;
        await insertDirectResponse(em, d, { source: 'offered', status: 'accepted', answeredAt: d.offeredAt, expiresAt: d.availableUntil ?? d.offeredAt });
        return;
      }
      case 'OfferAskedFor': {
        const d = event.data;
        await insertDirectResponse(em, d, { source: 'asked', status: 'open', answeredAt: null, expiresAt: d.expiresAt });
        return;
      }
      case 'MatchMade': {
        const d = event.data;
        await query(
          em,
          // The helper's pod sees the match too, but not the request's facts: the match carries whether its requester is anonymous.
          `insert into matches_view (match_id, request_id, pod_id, helper_pod_id, offer_id, suggestion_id, requester_member_id, helper_member_id, via, origin, status,
                                     matched_at, requester_anonymous)
           values (?, ?, ?, ?, ?, ?, ${unlessErased}, ${unlessErased}, ?, ?, 'made', ?,
                   coalesce((select r.requester_anonymous from tracked_requests r where r.request_id = ?::uuid), false)) on conflict (match_id) do nothing`,
          [
            d.matchId,
            d.requestId,
            d.podId,
            d.helperPodId,
            d.offerId,
            d.suggestionId,
            d.requesterMemberId,
            d.requesterMemberId,
            d.helperMemberId,
            d.helperMemberId,
            d.via,
            d.origin ?? 'suggested',
            d.matchedAt,
            d.requestId,
          ],
        );
        await query(em, `update suggestions_view set status = 'accepted', answered_at = coalesce(answered_at, ?) where suggestion_id = ?`, [
          d.matchedAt,
          d.suggestionId,
        ]);
        await query(em, `update suggestions_view set status = 'withdrawn' where request_id = ? and status = 'open'`, [d.requestId]);
        await query(em, `update tracked_requests set status = 'matched' where request_id = ?`, [d.requestId]);
        await changeHelperLoad(em, d.podId, d.helperPodId, d.helperMemberId, +1, d.matchedAt);
        return;
      }
      case 'MatchWithdrawn': {
        const d = event.data;
        await query(em, `update matches_view set status = 'withdrawn', ended_at = ?, withdrawn_by = ?, withdraw_reason = ? where match_id = ?`, [
          d.withdrawnAt,
          d.withdrawnBy,
          d.reason,
          d.matchId,
        ]);
        await query(em, `update suggestions_view set status = 'withdrawn' where suggestion_id = (select suggestion_id from matches_view where match_id = ?)`, [
          d.matchId,
        ]);
        await query(em, `update tracked_requests set status = 'open' where request_id = ? and status = 'matched'`, [d.requestId]);
        await changeHelperLoad(em, d.podId, d.helperPodId, d.helperMemberId, -1, null);
        return;
      }
      case 'RequestEscalated':
        await query(em, 'update tracked_requests set escalated_at = ?, escalated_to = ?::uuid[], escalation_shared = ?::jsonb where request_id = ?', [
          event.data.escalatedAt,
          `{${event.data.toPodIds.join(',')}}`,
          JSON.stringify(event.data.shared),
          event.data.requestId,
        ]);
        return;
      case 'EscalationWithdrawn': {
        const d = event.data;
        await query(
          em,
          `update suggestions_view set status = 'withdrawn', assigned = false, withdraw_reason = ? where suggestion_id = any(?::uuid[]) and status = 'open'`,
          [d.reason, `{${d.suggestionIds.join(',')}}`],
        );
        // A later round (a withdrawn match) must not look across the boundary again.
        if (d.escalationEnded) {
          await query(em, `update tracked_requests set escalated_at = null, escalated_to = '{}', escalation_shared = null where request_id = ?`, [d.requestId]);
        } else {
          await query(em, 'update tracked_requests set escalated_to = array_remove(escalated_to, ?::uuid) where request_id = ?', [d.leftPodId, d.requestId]);
        }
        return;
      }
      case 'SuggestionFeedbackGiven':
        await query(
          em,
          `update suggestions_view set feedback_verdict = ?, feedback_reason = ?, feedback_by_member_id = ${unlessErased} where suggestion_id = ?`,
          [event.data.verdict, event.data.reason, event.data.givenByMemberId, event.data.givenByMemberId, event.data.suggestionId],
        );
        return;
      case 'RequestClosed': {
        const d = event.data;
        await query(em, `update tracked_requests set status = 'closed' where request_id = ?`, [d.requestId]);
        await query(em, `update suggestions_view set status = 'withdrawn' where request_id = ? and status = 'open'`, [d.requestId]);
        const ended = await query<{ helper_member_id: string | null; helper_pod_id: string }>(
          em,
          `update matches_view set status = ?, ended_at = ? where request_id = ? and status = 'made' returning helper_member_id, helper_pod_id`,
          [d.reason === 'fulfilled' ? 'done' : 'ended', d.closedAt, d.requestId],
        );
        for (const match of ended) {
          if (match.helper_member_id) await changeHelperLoad(em, d.podId, match.helper_pod_id, match.helper_member_id, -1, null);
        }
        return;
      }
      default:
        return assertNever(event, 'suggestions projection event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate suggestions_view, matches_view');
    // The columns this projection keeps in shared tables are reset pod by pod: row-level security scopes each update.
    await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
    const pods = await query<{ pod_id: string }>(em, 'select pod_id from pod_helpers union select pod_id from tracked_requests');
    await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
    for (const { pod_id } of pods) {
      await setTransactionPod(em, pod_id);
      await query(em, `update tracked_requests set status = 'open', escalated_at = null, escalated_to = '{}', escalation_shared = null`);
      await query(em, 'update pod_helpers set active_matches = 0, last_helped_at = null');
      await query(em, 'update helper_search set last_helped_at = null');
    }
  },
});

type DirectResponse = Extract<Handled, { type: 'HelpOffered' | 'OfferAskedFor' }>['data'];

/** A direct response joins the request's list beside the suggestions, with its note; a suggestion it turns into becomes it. */
async function insertDirectResponse(
  em: EntityManager,
  d: DirectResponse,
  row: { source: 'offered' | 'asked'; status: 'accepted' | 'open'; answeredAt: string | null; expiresAt: string },
): Promise<void> {
  const madeAt = 'offeredAt' in d ? d.offeredAt : d.askedAt;
  const window = 'offeredAt' in d ? [d.availableFrom, d.availableUntil] : [null, null];
  await query(
    em,
    `insert into suggestions_view (suggestion_id, request_id, pod_id, helper_member_id, helper_pod_id, offer_id, score, parts, source, status, round,
                                   expires_at, made_at, answered_at, note, available_from, available_until)
     values (?, ?, ?, ${unlessErased}, ?, ?, 0, ?::jsonb, ?, ?, coalesce((select max(round) from suggestions_view where request_id = ?), 1), ?, ?, ?, ?, ?, ?)
     on conflict (suggestion_id) do update set source = excluded.source, status = excluded.status, expires_at = excluded.expires_at,
       answered_at = excluded.answered_at, note = excluded.note, available_from = excluded.available_from, available_until = excluded.available_until`,
    [
      d.suggestionId,
      d.requestId,
      d.podId,
      d.helperMemberId,
      d.helperMemberId,
      d.helperPodId,
      d.offerId,
      ZERO_PARTS,
      row.source,
      row.status,
      d.requestId,
      row.expiresAt,
      madeAt,
      row.answeredAt,
      d.note,
      ...window,
    ],
  );
}

/** The helper may be in another pod (a cross-pod match): their row is written with their pod in scope, then the request's again. */
async function changeHelperLoad(
  em: EntityManager,
  requestPodId: string,
  helperPodId: string,
  memberId: string,
  delta: number,
  helpedAt: string | null,
): Promise<void> {
  if (helperPodId !== requestPodId) await setTransactionPod(em, helperPodId);
  await query(
    em,
    `update pod_helpers set active_matches = greatest(0, active_matches + ?),
       last_helped_at = case when ?::timestamptz is null then last_helped_at else greatest(last_helped_at, ?::timestamptz) end
     where member_id = ?`,
    [delta, helpedAt, helpedAt, memberId],
  );
  await refreshHelperSearch(em, memberId);
  if (helperPodId !== requestPodId) await setTransactionPod(em, requestPodId);
}
