import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { transferView } from '../shared/funds-views';
import { TimeGiftsHandler } from './time-gifts.handler';
import type { Resolvers } from '../graphql/schema.types';

export function timeBankResolvers(app: INestApplication) {
  const gifts = app.get(TimeGiftsHandler);

  return {
    Mutation: {
      giftHoursToPool: async (_: unknown, args: { input: { minutes: number; transferId?: string | null } }, ctx: SubgraphContext) =>
        transferView(await gifts.giftToPool(args.input, ctx)),
      grantPoolHours: async (_: unknown, args: { input: { memberId: string; minutes: number; transferId?: string | null } }, ctx: SubgraphContext) =>
        transferView(await gifts.grantFromPool(args.input, ctx)),
    },
  } satisfies Resolvers;
}
