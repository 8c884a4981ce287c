import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { MemberIdentity } from './member-slice';
import { memberDecider, type MemberEvent, type MemberLeft, type MemberState } from './member.decider';

/**
 * Erasure: a member (or a coordinator, for a member who asked them offline) has the member's personal data erased.
 * The decision is only that it happens, and that an erased member is a former member; destroying the member's data
 * key, which makes their personal fields in this stream unreadable, is the handler's part of the same transaction.
 */
export type ErasureRequester = 'member' | 'coordinator';

export type EraseMember = Command<'EraseMember', { requestedBy: ErasureRequester }>;
export type MemberErasureCommand = EraseMember;

/** `personId` lets read models keyed by person (a pod application) forget them too. */
export type MemberErased = DomainEvent<'MemberErased', MemberIdentity & { personId: string; erasedAt: string; requestedBy: ErasureRequester }>;
export type MemberErasureEvent = MemberErased | MemberEvent;

export type MemberErasureState =
  | { readonly status: 'none' }
  | { readonly status: 'present'; readonly member: Exclude<MemberState, { status: 'none' }> }
  /** Erased since they last joined; joining again starts a new membership with a new data key. */
  | { readonly status: 'erased'; readonly member: Exclude<MemberState, { status: 'none' }>; readonly erasedAt: string };

export const memberErasureDecider: Decider<MemberErasureState, MemberErasureCommand, MemberErasureEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'EraseMember': {
        if (state.status === 'none') throw new DomainRuleViolation('MEMBER_NOT_FOUND', 'No member with this id in this pod', 'memberId');
        if (state.status === 'erased') throw new DomainRuleViolation('ALREADY_ERASED', "This member's personal data is already erased", 'memberId');
        const metadata = eventMetadataFrom(command.metadata);
        const { memberId, podId, personId } = state.member;
        // Erasure ends the membership: a current member leaves first, as leaving would have it.
        const leaving: MemberLeft[] = state.member.status === 'active' ? [{ type: 'MemberLeft', data: { memberId, podId }, metadata }] : [];
        return [
          ...leaving,
          { type: 'MemberErased', data: { memberId, podId, personId, erasedAt: metadata.occurredAt, requestedBy: command.data.requestedBy }, metadata },
        ];
      }
      default:
        return assertNever(command.type, 'member erasure command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MemberJoined':
      case 'MemberLeft': {
        const member = memberDecider.evolve(state.status === 'none' ? memberDecider.initialState() : state.member, event);
        if (member.status === 'none') return state;
        // Joining again after an erasure is a new membership; leaving keeps an erasure in place.
        return state.status === 'erased' && event.type === 'MemberLeft' ? { ...state, member } : { status: 'present', member };
      }
      case 'MemberErased':
        return state.status === 'none' ? state : { status: 'erased', member: state.member, erasedAt: event.data.erasedAt };
      default:
        // The other slices' events on the member stream.
        return state;
    }
  },
};
