import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { notAMember, type MemberIdentity, type OnMemberStream } from './member-slice';

/** The members this member has blocked. A block hides the two from each other and keeps them from being matched. */
export type MemberBlocksState = { readonly status: 'none' } | (MemberIdentity & { readonly status: 'active'; readonly blocked: readonly string[] });

/** `blockedMemberExists`: whether the other member is in the same pod; the handler looks it up. */
export type BlockMember = Command<'BlockMember', { blockedMemberId: string; blockedMemberExists: boolean }>;
export type UnblockMember = Command<'UnblockMember', { blockedMemberId: string }>;
export type MemberBlocksCommand = BlockMember | UnblockMember;

export interface BlockPair {
  readonly podId: string;
  readonly blockerMemberId: string;
  readonly blockedMemberId: string;
}
export type MemberBlocked = DomainEvent<'MemberBlocked', BlockPair>;
export type MemberUnblocked = DomainEvent<'MemberUnblocked', BlockPair>;
export type MemberBlocksEvent = MemberBlocked | MemberUnblocked;

export const MEMBER_BLOCKS_EVENT_TYPES = ['MemberBlocked', 'MemberUnblocked'] as const satisfies readonly MemberBlocksEvent['type'][];

export const memberBlocksDecider: Decider<MemberBlocksState, MemberBlocksCommand, OnMemberStream<MemberBlocksEvent>> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    if (state.status !== 'active') throw notAMember();
    const pair: BlockPair = { podId: state.podId, blockerMemberId: state.memberId, blockedMemberId: command.data.blockedMemberId };
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'BlockMember':
        if (pair.blockedMemberId === state.memberId) {
          throw new DomainRuleViolation('CANNOT_BLOCK_SELF', 'You cannot block yourself', 'memberId');
        }
        if (!command.data.blockedMemberExists) {
          throw new DomainRuleViolation('MEMBER_NOT_FOUND', 'No member with this id in your pod', 'memberId');
        }
        // Blocking twice changes nothing.
        return state.blocked.includes(pair.blockedMemberId) ? [] : [{ type: 'MemberBlocked', data: pair, metadata }];
      case 'UnblockMember':
        return state.blocked.includes(pair.blockedMemberId) ? [{ type: 'MemberUnblocked', data: pair, metadata }] : [];
      default:
        return assertNever(command, 'member blocks command');
    }
  },

  evolve(state, event) {
    if (event.type === 'MemberJoined') return { status: 'active', memberId: event.data.memberId, podId: event.data.podId, blocked: [] };
    if (state.status !== 'active') return state;
    switch (event.type) {
      case 'MemberBlocked':
        return { ...state, blocked: [...state.blocked, event.data.blockedMemberId] };
      case 'MemberUnblocked':
        return { ...state, blocked: state.blocked.filter((memberId) => memberId !== event.data.blockedMemberId) };
      default:
        // Another slice's event on the member stream.
        return state;
    }
  },
};
