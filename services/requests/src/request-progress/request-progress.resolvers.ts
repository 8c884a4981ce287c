import type { INestApplication } from '@nestjs/common';
import { requireScope, type SubgraphContext } from '@mutuo/platform';
import { requestResult } from '../shared/request-views';
import { RequestProgressHandler } from './request-progress.handler';
import type { Resolvers } from '../graphql/schema.types';

export function requestProgressResolvers(app: INestApplication) {
  const progress = app.get(RequestProgressHandler);

  return {
    Mutation: {
      cancelRequest: (_: unknown, args: { requestId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return requestResult(progress.cancel(args.requestId, ctx));
      },
      startHelp: (_: unknown, args: { requestId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return requestResult(progress.start(args.requestId, ctx));
      },
      confirmFulfilment: (
        _: unknown,
        { input }: { input: { requestId: string; hoursGiven: { helperMemberId: string; minutes: number }[] } },
        ctx: SubgraphContext,
      ) => {
        requireScope(ctx, 'requests:write');
        return requestResult(
          progress.confirm(
            input.requestId,
            input.hoursGiven.map(({ helperMemberId, minutes }) => ({ helperMemberId, minutes })),
            ctx,
          ),
        );
      },
      reverseFulfilment: (_: unknown, args: { requestId: string; reason: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return requestResult(progress.reverse(args.requestId, args.reason, ctx));
      },
    },
  } satisfies Resolvers;
}
