import { mayIdentifyRequester, requirePod, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { explainScore } from '../domain/helper-scoring';
import type { MatchRow, SuggestionRow } from './suggestions.queries';

/**
 * The request itself only for its own pod. Another pod (an escalated suggestion, a cross-pod match) cannot read it
 * in requests and gets null here, so nothing it asks about the request turns a whole list into null; it reads the
 * suggestion's `shared` instead.
 */
export const requestFor = (requestId: string, requestPodId: string, viewerPodId: string) => (requestPodId === viewerPodId ? { id: requestId } : null);

const isoOrNull = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export function suggestionNode(row: SuggestionRow, viewerPodId: string, now: Date) {
  const expired = row.status === 'open' && !row.assigned && new Date(row.expires_at).getTime() <= now.getTime();
  return {
    id: row.suggestion_id,
    requestId: row.request_id,
    request: requestFor(row.request_id, row.pod_id, viewerPodId),
    helperMemberId: row.helper_member_id,
    helperPodId: row.helper_pod_id,
    offer: row.offer_id ? { id: row.offer_id } : null,
    score: row.score,
    parts: row.parts,
    explanation: explainScore(row.score, row.parts),
    source: toGraphQLEnum(row.source),
    status: expired ? 'EXPIRED' : toGraphQLEnum(row.status),
    assigned: row.assigned,
    round: row.round,
    expiresAt: new Date(row.expires_at).toISOString(),
    declineReason: row.decline_reason,
    withdrawReason: row.withdraw_reason ? toGraphQLEnum(row.withdraw_reason) : null,
    feedback: row.feedback_verdict ? toGraphQLEnum(row.feedback_verdict) : null,
    shared: row.shared
      ? {
          category: toGraphQLEnum(row.shared.category),
          urgency: toGraphQLEnum(row.shared.urgency),
          title: row.shared.title,
          locationCell: row.shared.locationCell,
        }
      : null,
    note: row.note,
    availableFrom: isoOrNull(row.available_from),
    availableUntil: isoOrNull(row.available_until),
  };
}

export function matchNode(row: MatchRow | undefined, ctx: SubgraphContext) {
  if (!row) return null;
  const requester = { anonymous: row.requester_anonymous, podId: row.pod_id, requesterMemberId: row.requester_member_id };
  return {
    id: row.match_id,
    requestId: row.request_id,
    request: requestFor(row.request_id, row.pod_id, requirePod(ctx).podId),
    offer: row.offer_id ? { id: row.offer_id } : null,
    requesterMemberId: mayIdentifyRequester(requester, ctx.identity) ? row.requester_member_id : null,
    helperMemberId: row.helper_member_id,
    helperPodId: row.helper_pod_id,
    crossPod: row.helper_pod_id !== row.pod_id,
    via: toGraphQLEnum(row.via),
    origin: toGraphQLEnum(row.origin),
    status: toGraphQLEnum(row.status),
    matchedAt: new Date(row.matched_at).toISOString(),
    endedAt: isoOrNull(row.ended_at),
    withdrawnBy: row.withdrawn_by ? toGraphQLEnum(row.withdrawn_by) : null,
  };
}
