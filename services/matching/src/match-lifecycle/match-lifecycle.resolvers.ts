import type { INestApplication } from '@nestjs/common';
import { plainTextField } from '@mutuo/contracts';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { z } from 'zod';
import { requestFor } from '../shared/matching-views';
import { MatchLifecycleHandler, type MatchingOutcome } from './match-lifecycle.handler';
import type { Resolvers } from '../graphql/schema.types';

const id = (field: string) => z.uuid({ error: `${field} must be an id` });
const reason = plainTextField({ min: 0, max: 500, multiline: true })
  .nullish()
  .transform((value) => value || null);
const suggestionArgs = z.object({ suggestionId: id('suggestionId'), reason });
const assignInput = z.object({ requestId: id('requestId'), helperMemberId: id('helperMemberId'), override: z.boolean().nullish(), reason });
const withdrawArgs = z.object({ requestId: id('requestId'), reason });
const feedbackArgs = z.object({ suggestionId: id('suggestionId'), verdict: z.enum(['WRONG', 'GOOD']), reason });

const outcome = (result: MatchingOutcome, ctx: SubgraphContext) => ({
  request: requestFor(result.requestId, result.podId, requirePod(ctx).podId),
  matched: result.matchId !== null,
  matchId: result.matchId,
});

export function matchLifecycleResolvers(app: INestApplication) {
  const lifecycle = app.get(MatchLifecycleHandler);

  return {
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
    },
  } satisfies Resolvers;
}
