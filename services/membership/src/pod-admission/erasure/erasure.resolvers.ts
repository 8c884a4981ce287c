import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { EraseMemberHandler, type MemberErasureReceipt } from './erase-member.handler';
import { PersonalDataExportQueries } from './personal-data-export.queries';

/** Erasure (by the member, or by a coordinator for them) and the member's own export of their data. */
export function erasureResolvers(app: INestApplication) {
  const erasure = app.get(EraseMemberHandler);
  const exports = app.get(PersonalDataExportQueries);

  return {
    Query: {
      myPersonalData: (_: unknown, __: unknown, ctx: SubgraphContext) => exports.mine(ctx),
    },
    Mutation: {
      eraseMyPersonalData: (_: unknown, __: unknown, ctx: SubgraphContext) => erasure.eraseSelf(ctx),
      eraseMemberPersonalData: (_: unknown, args: { memberId: string }, ctx: SubgraphContext) => erasure.eraseForMember(args.memberId, ctx),
    },
    MemberErasure: {
      requestedBy: (receipt: MemberErasureReceipt) => toGraphQLEnum(receipt.requestedBy),
    },
  };
}
