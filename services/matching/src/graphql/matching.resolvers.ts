import type { INestApplication } from '@nestjs/common';
import { z } from 'zod';
import { DomainRuleViolation } from '@mutuo/domain';
import { memberIdFor, plainTextField } from '@mutuo/contracts';
import { mayIdentifyRequester, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { Clock, toGraphQLEnum } from '@mutuo/service-kit';
import { explainScore } from '../domain/helper-scoring';
import { DISPATCH_ROLES, MatchLifecycleHandler, type MatchingOutcome } from '../match-lifecycle/match-lifecycle.handler';
import { SetEscalationDeadlinesHandler } from '../pod-settings/set-escalation-deadlines.handler';
import { RequestMatchingQueries } from '../request-matching/request-matching.queries';
import { SuggestionsQueries, type MatchRow, type SuggestionRow } from '../suggestions/suggestions.queries';

const id = (field: string) => z.uuid({ error: `${field} must be an id` });
const reason = plainTextField({ min: 0, max: 500, multiline: true })
  .nullish()
  .transform((value) => value || null);
const suggestionArgs = z.object({ suggestionId: id('suggestionId'), reason });
const assignInput = z.object({ requestId: id('requestId'), helperMemberId: id('helperMemberId'), override: z.boolean().nullish(), reason });
const withdrawArgs = z.object({ requestId: id('requestId'), reason });
const feedbackArgs = z.object({ suggestionId: id('suggestionId'), verdict: z.enum(['WRONG', 'GOOD']), reason });
const limitArg = z.object({ limit: z.number().int().min(1).max(200).nullish() });
const deadlinesInput = z.object({ emergencyMinutes: z.number().int(), urgentMinutes: z.number().int(), normalMinutes: z.number().int() });

/**
 * The request itself only for its own pod. Another pod (an escalated suggestion, a cross-pod match) cannot read it
 * in requests and gets null here, so nothing it asks about the request turns a whole list into null; it reads the
 * suggestion's `shared` instead.
 */
const requestFor = (requestId: string, requestPodId: string, viewerPodId: string) => (requestPodId === viewerPodId ? { id: requestId } : null);

function suggestionNode(row: SuggestionRow, viewerPodId: string, now: Date) {
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
    feedback: row.feedback_verdict ? toGraphQLEnum(row.feedback_verdict) : null,
    shared: row.shared
      ? { category: toGraphQLEnum(row.shared.category), urgency: toGraphQLEnum(row.shared.urgency), title: row.shared.title, locationCell: row.shared.locationCell }
      : null,
  };
}

function matchNode(row: MatchRow | undefined, ctx: SubgraphContext) {
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
    status: toGraphQLEnum(row.status),
    matchedAt: new Date(row.matched_at).toISOString(),
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
    withdrawnBy: row.withdrawn_by ? toGraphQLEnum(row.withdrawn_by) : null,
  };
}

const outcome = (result: MatchingOutcome, ctx: SubgraphContext) => ({
  request: requestFor(result.requestId, result.podId, requirePod(ctx).podId),
  matched: result.matchId !== null,
  matchId: result.matchId,
});

export function matchingResolvers(app: INestApplication) {
  const queries = app.get(RequestMatchingQueries);
  const suggestions = app.get(SuggestionsQueries);
  const lifecycle = app.get(MatchLifecycleHandler);
  const clock = app.get(Clock);
  const deadlines = app.get(SetEscalationDeadlinesHandler);

  const caller = (ctx: SubgraphContext) => {
    const { identity, podId } = requirePod(ctx);
    return { podId, memberId: memberIdFor(podId, identity.subject), dispatcher: identity.roles.some((role) => (DISPATCH_ROLES as readonly string[]).includes(role)) };
  };

  /** The requester and the pod's dispatchers see every suggestion of a request; anyone else only those addressed to them. */
  const visibleTo = (ctx: SubgraphContext, rows: SuggestionRow[], requesterMemberId: string | null) => {
    const me = caller(ctx);
    const everything = (me.dispatcher && rows.every((row) => row.pod_id === me.podId)) || (requesterMemberId !== null && requesterMemberId === me.memberId);
    return (everything ? rows : rows.filter((row) => row.helper_member_id === me.memberId)).map((row) => suggestionNode(row, me.podId, clock.now()));
  };

  return {
    Request: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // Until matching has heard of a request, it is pending: the event may still be on its way.
      matching: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const status = await queries.forRequest(requirePod(ctx).podId, request.id);
        return status
          ? { state: toGraphQLEnum(status.state), candidateCount: status.candidateCount, evaluatedAt: status.evaluatedAt.toISOString() }
          : { state: 'PENDING', candidateCount: 0, evaluatedAt: null };
      },
      suggestions: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const { podId } = requirePod(ctx);
        const rows = await suggestions.forRequest(podId, request.id);
        const requester = await queries.requesterOf(podId, request.id);
        return visibleTo(ctx, rows, requester);
      },
      match: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return matchNode(await suggestions.currentMatchForRequest(requirePod(ctx).podId, request.id), ctx);
      },
    },
    Offer: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      suggestions: async (offer: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return visibleTo(ctx, await suggestions.forOffer(requirePod(ctx).podId, offer.id), null);
      },
      match: async (offer: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return matchNode(await suggestions.currentMatchForOffer(requirePod(ctx).podId, offer.id), ctx);
      },
    },
    Query: {
      suggestionsForMe: async (_: unknown, args: { includeAnswered?: boolean | null }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const me = caller(ctx);
        return (await suggestions.forHelper(me.podId, me.memberId, args.includeAnswered === true)).map((row) => suggestionNode(row, me.podId, clock.now()));
      },
      unmatchedPastDeadline: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        if (!caller(ctx).dispatcher) throw new DomainRuleViolation('FORBIDDEN', "The pod's queue is for dispatchers and coordinators", 'roles');
        const { limit } = limitArg.parse(args);
        const rows = await suggestions.unmatchedPastDeadline(requirePod(ctx).podId, clock.now(), limit ?? 50);
        return rows.map((row) => ({
          request: { id: row.request_id },
          category: toGraphQLEnum(row.category),
          urgency: toGraphQLEnum(row.urgency),
          postedAt: new Date(row.posted_at).toISOString(),
          deadline: new Date(row.deadline).toISOString(),
          escalated: row.escalated_at !== null,
        }));
      },
    },
    Mutation: {
      acceptSuggestion: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const { suggestionId } = suggestionArgs.parse(args);
        return outcome(await lifecycle.accept(ctx, suggestionId), ctx);
      },
      declineSuggestion: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const { suggestionId, reason: why } = suggestionArgs.parse(args);
        return outcome(await lifecycle.decline(ctx, suggestionId, why), ctx);
      },
      confirmHelper: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const { suggestionId } = suggestionArgs.parse(args);
        return outcome(await lifecycle.confirm(ctx, suggestionId), ctx);
      },
      assignHelper: async (_: unknown, args: { input: unknown }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const input = assignInput.parse(args.input);
        return outcome(await lifecycle.assign(ctx, input.requestId, input.helperMemberId, input.override === true, input.reason), ctx);
      },
      withdrawMatch: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const { requestId, reason: why } = withdrawArgs.parse(args);
        return outcome(await lifecycle.withdraw(ctx, requestId, why), ctx);
      },
      giveSuggestionFeedback: async (_: unknown, args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const { suggestionId, verdict, reason: why } = feedbackArgs.parse(args);
        return outcome(await lifecycle.giveFeedback(ctx, suggestionId, verdict === 'WRONG' ? 'wrong' : 'good', why), ctx);
      },
      setEscalationDeadlines: async (_: unknown, args: { input: unknown }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return deadlines.handle(ctx, deadlinesInput.parse(args.input));
      },
    },
  };
}
