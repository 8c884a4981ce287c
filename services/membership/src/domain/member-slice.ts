import { DomainRuleViolation } from '@mutuo/domain';
import type { MemberJoined } from './member.decider';

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
