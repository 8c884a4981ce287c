import type { INestApplication } from '@nestjs/common';
import { REQUEST_CATEGORIES, URGENCIES } from '@mutuo/contracts';
import { badUserInput, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { PostRequestHandler, type OpenRequest } from '../post-request/post-request.handler';
import { InvalidCursor, RequestDetailsQueries, encodeCursor } from '../request-details/request-details.queries';
import type { RequestDetails } from '../request-details/request-details.entity';

interface PostRequestArgs {
  input: { title: string; description?: string | null; language: string; category: string; urgency?: string | null };
}

/** A request as the API shows it, whether it comes from the read model or straight from a command. */
type RequestView = Pick<RequestDetails, 'id' | 'podId' | 'requesterMemberId' | 'title' | 'description' | 'language' | 'category' | 'urgency' | 'status'> & {
  postedAt: Date | string;
};

const MAX_PAGE = 100;

function fromCommand(request: OpenRequest): RequestView {
  return { ...request, id: request.requestId };
}

export function requestsResolvers(app: INestApplication) {
  const postRequest = app.get(PostRequestHandler);
  const queries = app.get(RequestDetailsQueries);

  return {
    Query: {
      request: (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return queries.byId(requirePod(ctx).podId, args.id);
      },
      openRequests: async (_: unknown, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const first = args.first ?? 20;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badUserInput('first', `first must be 1 to ${MAX_PAGE}`);
        try {
          const page = await queries.openRequests(requirePod(ctx).podId, first, args.after);
          return {
            edges: page.items.map((node) => ({ cursor: encodeCursor(node), node })),
            endCursor: page.endCursor,
            hasNextPage: page.hasNextPage,
          };
        } catch (error) {
          if (error instanceof InvalidCursor) throw badUserInput('after', error.message);
          throw error;
        }
      },
    },
    Mutation: {
      postRequest: async (_: unknown, { input }: PostRequestArgs, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(
          await postRequest.handle(
            {
              title: input.title,
              description: input.description ?? '',
              language: input.language,
              category: fromGraphQLEnum(REQUEST_CATEGORIES, input.category),
              urgency: fromGraphQLEnum(URGENCIES, input.urgency ?? 'NORMAL'),
            },
            ctx,
          ),
        );
      },
    },
    Request: {
      __resolveReference: (reference: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return queries.byId(requirePod(ctx).podId, reference.id);
      },
      category: (request: RequestView) => toGraphQLEnum(request.category),
      urgency: (request: RequestView) => toGraphQLEnum(request.urgency),
      status: (request: RequestView) => toGraphQLEnum(request.status),
      postedAt: (request: RequestView) => new Date(request.postedAt).toISOString(),
      requester: (request: RequestView) => ({ __typename: 'Member', id: request.requesterMemberId }),
    },
  };
}
