import type { INestApplication } from '@nestjs/common';
import { plainTextField, timestampField } from '@mutuo/contracts';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { z } from 'zod';
import { requestFor } from '../shared/matching-views';
import { DirectHelpHandler, type DirectResponseOutcome } from './direct-help.handler';
import type { Resolvers } from '../graphql/schema.types';

const id = (field: string) => z.uuid({ error: `${field} must be an id` });
const note = plainTextField({ min: 0, max: 500, multiline: true })
  .nullish()
  .transform((value) => value || null);
/** An ISO-8601 timestamp with its offset, kept in UTC. */
const moment = timestampField()
  .nullish()
  .transform((value) => (value ? new Date(value).toISOString() : null));
const offerHelpInput = z.object({ requestId: id('requestId'), note, availableFrom: moment, availableUntil: moment });
const askForOfferInput = z.object({ offerId: id('offerId'), requestId: id('requestId'), note });

const outcome = (result: DirectResponseOutcome, ctx: SubgraphContext) => ({
  request: requestFor(result.requestId, result.podId, requirePod(ctx).podId),
  matched: result.matchId !== null,
  matchId: result.matchId,
});

export function directHelpResolvers(app: INestApplication) {
  const directHelp = app.get(DirectHelpHandler);

  return {
    Mutation: {
      offerHelp: async (_: unknown, args: { input: unknown }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return outcome(await directHelp.offerHelp(ctx, offerHelpInput.parse(args.input)), ctx);
      },
      askForOffer: async (_: unknown, args: { input: unknown }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return outcome(await directHelp.askForOffer(ctx, askForOfferInput.parse(args.input)), ctx);
      },
    },
  } satisfies Resolvers;
}
