import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { LeavePodHandler } from './leave-pod.handler';

/** A member from the read model carries its status; one straight from a command's stream is current unless it says otherwise. */
interface MemberWithStatus {
  status?: 'active' | 'former';
  leftAt?: Date | string | null;
}

/** Leaving a pod, and `Member.status` / `leftAt`, which show a former member as such. */
export function leavingResolvers(app: INestApplication) {
  const leaving = app.get(LeavePodHandler);

  return {
    Mutation: {
      leavePod: (_: unknown, __: unknown, ctx: SubgraphContext) => leaving.leave(ctx),
    },
    Member: {
      status: (member: MemberWithStatus) => toGraphQLEnum(member.status ?? 'active'),
      leftAt: (member: MemberWithStatus) => (member.leftAt ? new Date(member.leftAt).toISOString() : null),
    },
  };
}
