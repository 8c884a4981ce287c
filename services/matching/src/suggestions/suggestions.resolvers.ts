import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation, isUuid } from '@mutuo/domain';
import { actingMember, batchLoader, perRequest, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { Clock, toGraphQLEnum } from '@mutuo/service-kit';
import { z } from 'zod';
import { DISPATCH_ROLES } from '../shared/dispatch-roles';
import { RequestMatchingQueries } from '../shared/request-matching.queries';
import { matchNode, suggestionNode } from '../shared/matching-views';
import { SuggestionsQueries, type SuggestionRow } from '../shared/suggestions.queries';
import type { Resolvers } from '../graphql/schema.types';

const limitArg = z.object({ limit: z.number().int().min(1).max(200).nullish() });

export function suggestionsResolvers(app: INestApplication) {
  const queries = app.get(RequestMatchingQueries);
  const suggestions = app.get(SuggestionsQueries);
  const clock = app.get(Clock);

  const caller = (ctx: SubgraphContext) => {
    const { podId, memberId, roles } = actingMember(ctx);
    return { podId, memberId, dispatcher: roles.some((role) => (DISPATCH_ROLES as readonly string[]).includes(role)) };
  };

  // The gateway sends every Request of a page in one call: each field's reads become one query for the page.
  // An id that is no UUID names no request here; it must not fail the query of the others.
  const ofRequests = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return {
      suggestions: batchLoader(async (ids) => {
        const byRequest = new Map<string, SuggestionRow[]>();
        for (const row of await suggestions.forRequests(podId, ids.filter(isUuid)))
          byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row]);
        return byRequest;
      }),
      requester: batchLoader((ids) => queries.requestersOf(podId, ids.filter(isUuid))),
      match: batchLoader(async (ids) => new Map((await suggestions.currentMatchesForRequests(podId, ids.filter(isUuid))).map((row) => [row.request_id, row]))),
    };
  });

  /** The requester and the pod's dispatchers see every suggestion of a request; anyone else only those addressed to them. */
  const visibleTo = (ctx: SubgraphContext, rows: SuggestionRow[], requesterMemberId: string | null) => {
    const me = caller(ctx);
    const everything = (me.dispatcher && rows.every((row) => row.pod_id === me.podId)) || (requesterMemberId !== null && requesterMemberId === me.memberId);
    return (everything ? rows : rows.filter((row) => row.helper_member_id === me.memberId)).map((row) => suggestionNode(row, me.podId, clock.now()));
  };

  return {
    Request: {
      suggestions: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const loaders = ofRequests(ctx);
        const [rows, requester] = await Promise.all([loaders.suggestions.load(request.id), loaders.requester.load(request.id)]);
        return visibleTo(ctx, rows ?? [], requester ?? null);
      },
      match: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return matchNode(await ofRequests(ctx).match.load(request.id), ctx);
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
  } satisfies Resolvers;
}
