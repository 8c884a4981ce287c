import type { INestApplication } from '@nestjs/common';
import { batchLoader, mayIdentifyRequester, perRequest, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { browseFilter, cursorChecked, MAX_PAGE, page, type BrowseArgs } from '../shared/browse-input';
import { requireFirst } from '../shared/help-input';
import { requestFromRow, type RequestView } from '../shared/request-views';
import { RequestDetailsQueries } from '../shared/request-details.queries';
import type { Resolvers } from '../graphql/schema.types';

/** Anonymous requests show who asked only to the requester, the poster and the request's own pod's coordinators. */
const mayKnowRequester = (request: RequestView, ctx: SubgraphContext) => mayIdentifyRequester(request, ctx.identity);

export function requestDetailsResolvers(app: INestApplication) {
  const requests = app.get(RequestDetailsQueries);

  const requestById = async (id: string, ctx: SubgraphContext) => {
    const row = await requests.byId(requirePod(ctx).podId, id);
    return row ? requestFromRow(row) : null;
  };
  // The gateway sends every Request reference of one response in one call: their lookups become one query.
  const references = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return batchLoader(async (ids) => new Map((await requests.byIds(podId, ids)).map((row) => [row.id, requestFromRow(row)])));
  });

  return {
    Query: {
      request: (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return requestById(args.id, ctx);
      },
      openRequests: (_: unknown, args: BrowseArgs, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const first = requireFirst(args.first, MAX_PAGE);
        const filter = browseFilter(args.filter);
        const scope = args.scope === 'REGION' ? 'region' : 'pod';
        return cursorChecked(async () => page(await requests.openRequests(requirePod(ctx).podId, first, args.after, filter, scope), requestFromRow));
      },
    },
    Request: {
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        requirePod(ctx);
        return (await references(ctx).load(reference.id)) ?? null;
      },
      category: (request: RequestView) => toGraphQLEnum(request.category),
      urgency: (request: RequestView) => toGraphQLEnum(request.urgency),
      status: (request: RequestView) => toGraphQLEnum(request.status),
      visibility: (request: RequestView) => toGraphQLEnum(request.visibility),
      requester: (request: RequestView, _: unknown, ctx: SubgraphContext) =>
        mayKnowRequester(request, ctx) ? { __typename: 'Member', id: request.requesterMemberId } : null,
      postedBy: (request: RequestView, _: unknown, ctx: SubgraphContext) =>
        request.postedByMemberId && request.postedByMemberId !== request.requesterMemberId && mayKnowRequester(request, ctx)
          ? { __typename: 'Member', id: request.postedByMemberId }
          : null,
      helpers: (request: RequestView) => request.helperMemberIds.map((id) => ({ __typename: 'Member', id })),
      timeline: async (request: RequestView, _: unknown, ctx: SubgraphContext) => {
        const entries = await requests.timeline(requirePod(ctx).podId, request.id);
        const hideRequester = !mayKnowRequester(request, ctx);
        return entries.map((entry) => ({
          kind: entry.kind,
          at: new Date(entry.at).toISOString(),
          actor:
            entry.actor_member_id && !(hideRequester && [request.requesterMemberId, request.postedByMemberId].includes(entry.actor_member_id))
              ? { __typename: 'Member', id: entry.actor_member_id }
              : null,
        }));
      },
    },
  } satisfies Resolvers;
}
