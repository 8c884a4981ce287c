import type { INestApplication } from '@nestjs/common';
import { isUuid } from '@mutuo/domain';
import { batchLoader, perRequest, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { RequestMatchingQueries } from '../shared/request-matching.queries';
import type { Resolvers } from '../graphql/schema.types';

export function requestMatchingResolvers(app: INestApplication) {
  const queries = app.get(RequestMatchingQueries);
  // The gateway sends every Request of one page in one call: their statuses are read in one query.
  const statuses = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return batchLoader(async (ids) => {
      // An id that is no UUID names no request here; it must not fail the query of the others.
      const rows = await queries.forRequests(podId, ids.filter(isUuid));
      return new Map(rows.map((row) => [row.requestId, row]));
    });
  });

  return {
    Request: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // Until matching has heard of a request, it is pending: the event may still be on its way.
      matching: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const status = await statuses(ctx).load(request.id);
        return status
          ? { state: toGraphQLEnum(status.state), candidateCount: status.candidateCount, evaluatedAt: status.evaluatedAt.toISOString() }
          : { state: 'PENDING', candidateCount: 0, evaluatedAt: null };
      },
    },
  } satisfies Resolvers;
}
