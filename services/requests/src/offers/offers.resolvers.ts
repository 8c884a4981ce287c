import type { INestApplication } from '@nestjs/common';
import type { IdempotentInput as Idempotent } from '@mutuo/event-store';
import { batchLoader, perRequest, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { browseFilter, cursorChecked, MAX_PAGE, page, type BrowseArgs } from '../shared/browse-input';
import { changeFrom, factsFrom, requireFirst, type HelpFactsInput } from '../shared/help-input';
import { offerFromRow, offerFromState, type OfferView } from '../shared/request-views';
import { OfferBoardQueries } from '../shared/offer-board.queries';
import { OfferCommandsHandler } from './offer-commands.handler';
import type { Resolvers } from '../graphql/schema.types';

export function offersResolvers(app: INestApplication) {
  const offerCommands = app.get(OfferCommandsHandler);
  const offers = app.get(OfferBoardQueries);

  // The gateway sends every Offer reference of one response in one call: their lookups become one query.
  const references = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return batchLoader(async (ids) => new Map((await offers.byIds(podId, ids)).map((row) => [row.id, offerFromRow(row)])));
  });

  const offerResult = async (work: Promise<{ offer: Parameters<typeof offerFromState>[0]; version: number }>) => {
    const { offer, version } = await work;
    return offerFromState(offer, version);
  };

  return {
    Query: {
      offer: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const row = await offers.byId(requirePod(ctx).podId, args.id);
        return row ? offerFromRow(row) : null;
      },
      openOffers: (_: unknown, args: BrowseArgs, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const first = requireFirst(args.first, MAX_PAGE);
        const { category, cellPrefix, from, until } = browseFilter(args.filter);
        const scope = args.scope === 'REGION' ? 'region' : 'pod';
        return cursorChecked(async () =>
          page(await offers.openOffers(requirePod(ctx).podId, first, args.after, { category, cellPrefix, from, until }, scope), offerFromRow),
        );
      },
    },
    Mutation: {
      postOffer: (
        _: unknown,
        { input }: { input: HelpFactsInput & { title: string; language: string; category: string } & Idempotent },
        ctx: SubgraphContext,
      ) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.post(factsFrom(input), ctx, input.idempotencyKey ?? null));
      },
      editOffer: (_: unknown, { input }: { input: HelpFactsInput & { offerId: string; expectedVersion: number } }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.edit(input.offerId, input.expectedVersion, changeFrom(input), ctx));
      },
      pauseOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'PauseOffer', ctx));
      },
      resumeOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'ResumeOffer', ctx));
      },
      withdrawOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'WithdrawOffer', ctx));
      },
    },
    Offer: {
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        requirePod(ctx);
        return (await references(ctx).load(reference.id)) ?? null;
      },
      category: (offer: OfferView) => toGraphQLEnum(offer.category),
      status: (offer: OfferView) => toGraphQLEnum(offer.status),
      visibility: (offer: OfferView) => toGraphQLEnum(offer.visibility),
      offerer: (offer: OfferView) => ({ __typename: 'Member', id: offer.offererMemberId }),
    },
  } satisfies Resolvers;
}
