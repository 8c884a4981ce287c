import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { withLedgerErrors } from '../shared/ledger.errors';
import { podOf } from '../shared/funds-views';
import { RecordContributionHandler, type RecordContributionInput } from './record-contribution.handler';
import type { Resolvers } from '../graphql/schema.types';

export function contributionsResolvers(app: INestApplication) {
  const contributions = app.get(RecordContributionHandler);

  return {
    Mutation: {
      recordContribution: async (_: unknown, args: { input: RecordContributionInput }, ctx: SubgraphContext) => {
        podOf(ctx);
        const contribution = await withLedgerErrors(() => contributions.record(args.input, ctx));
        return { ...contribution, id: contribution.contributionId };
      },
    },
  } satisfies Resolvers;
}
