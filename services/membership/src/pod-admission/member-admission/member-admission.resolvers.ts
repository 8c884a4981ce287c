import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { COORDINATOR_ROLE } from '../../shared/member-visibility';
import { pageSize } from '../../shared/keyset-page';
import { InviteCodesHandler } from './invite-codes.handler';
import { MemberAdmissionHandler, type ApplyToJoinInput } from './member-admission.handler';
import { MemberAdmissionQueries, type JoinApplicationStatus } from './member-admission.queries';

const JOIN_APPLICATION_STATUSES = ['pending', 'approved', 'declined'] as const satisfies readonly JoinApplicationStatus[];

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Reads for coordinators go by the token's claim, as for private member details; commands check the role itself. */
function isCoordinatorOf(ctx: SubgraphContext, podId: string): boolean {
  return ctx.identity?.podId === podId && ctx.identity.roles.includes(COORDINATOR_ROLE);
}

/** Invite codes, applications to join and their review. (`joinPod` itself is in membership.resolvers.) */
export function memberAdmissionResolvers(app: INestApplication) {
  const admission = app.get(MemberAdmissionHandler);
  const inviteCodes = app.get(InviteCodesHandler);
  const queries = app.get(MemberAdmissionQueries);

  return {
    Query: {
      myJoinApplication: (_: unknown, { podId }: { podId?: string | null }, ctx: SubgraphContext) => admission.mine(ctx, podId),
    },
    Mutation: {
      createInviteCode: (_: unknown, { input }: { input: { expiresAt: string; maxUses: number; label?: string | null } }, ctx: SubgraphContext) =>
        inviteCodes.create(input, ctx),
      revokeInviteCode: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => inviteCodes.revoke(id, ctx),
      applyToJoin: (_: unknown, { input }: { input: ApplyToJoinInput }, ctx: SubgraphContext) => admission.apply(input, ctx),
      approveJoinApplication: (_: unknown, { memberId }: { memberId: string }, ctx: SubgraphContext) => admission.approve(memberId, ctx),
      declineJoinApplication: (_: unknown, { input }: { input: { memberId: string; reason: string } }, ctx: SubgraphContext) => admission.decline(input, ctx),
    },
    Pod: {
      inviteCodes: (pod: { id: string }, args: PageArgs, ctx: SubgraphContext) => {
        const first = pageSize(args.first);
        return isCoordinatorOf(ctx, pod.id) ? queries.inviteCodes(pod.id, first, args.after) : null;
      },
      joinApplications: (pod: { id: string }, args: PageArgs & { status?: string | null }, ctx: SubgraphContext) => {
        const first = pageSize(args.first);
        if (!isCoordinatorOf(ctx, pod.id)) return null;
        return queries.joinApplications(pod.id, fromGraphQLEnum(JOIN_APPLICATION_STATUSES, args.status ?? 'PENDING'), first, args.after);
      },
    },
    JoinApplication: {
      status: (application: { status: string }) => toGraphQLEnum(application.status),
    },
  };
}
