import type { INestApplication } from '@nestjs/common';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { RequestMatchingQueries } from '../shared/request-matching.queries';
import type { Resolvers } from '../graphql/schema.types';

export function requestMatchingResolvers(app: INestApplication) {
  const queries = app.get(RequestMatchingQueries);

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
    },
  } satisfies Resolvers;
}
