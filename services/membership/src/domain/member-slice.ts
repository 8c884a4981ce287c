import { DomainRuleViolation, type Command, type Decider, type DomainEvent } from '@mutuo/domain';
import { memberDecider, type MemberEvent, type MemberJoined, type MemberState } from './member.decider';

/**
 * The member stream (`member:<pod>:<member>`) carries the joining decided by member.decider and the
 * profile, block and boundary events decided by their own deciders ("slices"). Each slice folds the
 * whole stream, keeps what it needs and ignores the other slices' events; all of them append with
 * the stream's version, so concurrent commands on one member are still serialised.
 */
export interface MemberIdentity {
  readonly memberId: string;
  readonly podId: string;
}

/** A slice's events plus the joining that starts every member stream; other slices' events are ignored at runtime. */
export type OnMemberStream<SliceEvent> = SliceEvent | MemberJoined;

/** Commands on a member's own settings need the member to have joined. */
export function notAMember(): DomainRuleViolation {
  return new DomainRuleViolation('NOT_A_MEMBER', 'Join the pod before changing your membership settings');
}

/**
 * A slice's decider that also follows the member's joining and leaving: once the member has left the pod,
 * every command of the slice is refused until they join again (a slice alone would still see them as joined).
 */
export function forCurrentMembers<State, Cmd extends Command, Evt extends DomainEvent>(
  slice: Decider<State, Cmd, Evt>,
): Decider<{ readonly slice: State; readonly member: MemberState }, Cmd, Evt> {
  return {
    initialState: () => ({ slice: slice.initialState(), member: memberDecider.initialState() }),
    decide(command, state) {
      if (state.member.status === 'left') throw notAMember();
      return slice.decide(command, state.slice);
    },
    evolve: (state, event) => ({
      slice: slice.evolve(state.slice, event),
      member: memberDecider.evolve(state.member, event as unknown as MemberEvent),
    }),
  };
}
