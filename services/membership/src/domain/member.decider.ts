import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';

export type MemberState =
  | { status: 'none' }
  | { status: 'active'; memberId: string; podId: string; personId: string; displayName: string; preferredLanguage: string }
  /** A former member: they left the pod and may join again (the same member id, admitted afresh). */
  | { status: 'left'; memberId: string; podId: string; personId: string; displayName: string; preferredLanguage: string; leftAt: string };

export interface JoinDetails {
  memberId: string;
  podId: string;
  personId: string;
  displayName: string;
  preferredLanguage: string;
}

/** `podLanguages` is empty when the pod does not exist; the handler looks it up. */
export type JoinPod = Command<'JoinPod', JoinDetails & { podLanguages: string[] }>;
export type MemberCommand = JoinPod;

export type MemberJoined = DomainEvent<'MemberJoined', JoinDetails>;
/** Decided by the member-admission decider; every slice of the member stream reads it. */
export type MemberLeft = DomainEvent<'MemberLeft', { memberId: string; podId: string }>;
export type MemberEvent = MemberJoined | MemberLeft;

export const memberDecider: Decider<MemberState, MemberCommand, MemberEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'JoinPod': {
        const { podLanguages, ...details } = command.data;
        if (state.status === 'active') {
          throw new DomainRuleViolation('ALREADY_MEMBER', 'You are already a member of this pod', 'podId');
        }
        if (podLanguages.length === 0) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        const displayName = plainText(details.displayName, { field: 'displayName', max: 80, code: 'INVALID_DISPLAY_NAME' });
        // Until the member says otherwise, they hear from the pod in the pod's first language.
        const preferredLanguage = details.preferredLanguage || podLanguages[0]!;
        return [
          {
            type: 'MemberJoined',
            data: { ...details, displayName, preferredLanguage },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'member command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MemberJoined':
        return { status: 'active', ...event.data };
      case 'MemberLeft':
        return state.status === 'active' ? { ...state, status: 'left', leftAt: event.metadata.occurredAt } : state;
      default:
        // The member stream also carries the profile, block, boundary and pause slices' events (member-slice.ts).
        return state;
    }
  },
};
