import type { INestApplication } from '@nestjs/common';
import { plainText } from '@mutuo/domain';
import { actingMember, commandMetadataFrom, requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum, Clock } from '@mutuo/service-kit';
import type { PhoneTreeState } from '../domain/phone-tree.decider';
import { requireUuid } from '../shared/graphql-input';
import { PhoneTreeHandler } from '../shared/phone-tree.handler';
import type { Resolvers } from '../graphql/schema.types';

const DISPATCHER_ROLES = ['dispatcher', 'coordinator', 'operator'];

function phoneTreeView(state: PhoneTreeState) {
  if (state.status === 'none') return { status: 'NONE', fanOut: null, ackTimeoutMinutes: null, reason: null, activatedAt: null, calls: [] };
  const calls =
    state.status === 'active'
      ? state.calls.map((call, position) => ({
          position,
          memberId: call.memberId,
          status: toGraphQLEnum(call.status),
          calledBy: call.calledBy === 'system' ? 'SYSTEM' : call.calledBy,
          deadline: call.deadline,
          acknowledgedAt: call.acknowledgedAt,
        }))
      : state.memberIds.map((memberId, position) => ({ position, memberId, status: 'WAITING', calledBy: null, deadline: null, acknowledgedAt: null }));
  return {
    status: toGraphQLEnum(state.status),
    fanOut: state.fanOut,
    ackTimeoutMinutes: state.ackTimeoutMinutes,
    reason: state.status === 'active' ? state.reason : null,
    activatedAt: state.status === 'active' ? state.activatedAt : null,
    calls,
  };
}

/** The pod's phone tree: dispatchers set it up, activate and watch it; the people called acknowledge. */
export function phoneTreeResolvers(app: INestApplication) {
  const trees = app.get(PhoneTreeHandler);
  const clock = app.get(Clock);
  const dispatcher = (ctx: SubgraphContext) => {
    const scope = requirePod(ctx);
    requireRole(ctx, ...DISPATCHER_ROLES);
    return scope;
  };
  return {
    Query: {
      phoneTree: async (_: unknown, __: unknown, ctx: SubgraphContext) => phoneTreeView(await trees.status(dispatcher(ctx).podId)),
    },
    Mutation: {
      setUpPhoneTree: async (_: unknown, args: { memberIds: string[]; fanOut: number; ackTimeoutMinutes: number }, ctx: SubgraphContext) => {
        const { podId } = dispatcher(ctx);
        const memberIds = args.memberIds.map((id, index) => requireUuid(id, `memberIds.${index}`));
        return phoneTreeView(
          await trees.setUp(podId, { memberIds, fanOut: args.fanOut, ackTimeoutMinutes: args.ackTimeoutMinutes }, commandMetadataFrom(ctx, clock.now())),
        );
      },
      activatePhoneTree: async (_: unknown, args: { reason: string }, ctx: SubgraphContext) => {
        const { podId } = dispatcher(ctx);
        const reason = plainText(args.reason, { field: 'reason', min: 3, max: 200, code: 'INVALID_REASON' });
        return phoneTreeView(await trees.activate(podId, reason, commandMetadataFrom(ctx, clock.now())));
      },
      acknowledgePhoneTreeCall: async (_: unknown, __: unknown, ctx: SubgraphContext) => {
        const { podId, memberId } = actingMember(ctx);
        return phoneTreeView(await trees.acknowledge(podId, memberId, commandMetadataFrom(ctx, clock.now())));
      },
      closePhoneTree: async (_: unknown, __: unknown, ctx: SubgraphContext) => {
        const { podId } = dispatcher(ctx);
        return phoneTreeView(await trees.close(podId, commandMetadataFrom(ctx, clock.now())));
      },
    },
  } satisfies Resolvers;
}
