import { Command, Decider, DomainEvent, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * Funds' own record of who holds the roles that matter to money (treasurer, coordinator), kept from membership's
 * role events. Terms are keyed by their id, so a redelivered event changes nothing.
 */
export const FUNDS_ROLES = ['treasurer', 'coordinator'] as const;
export type FundsRole = (typeof FUNDS_ROLES)[number];

export interface HeldRole {
  readonly memberId: string;
  readonly role: FundsRole;
}

export type PodRolesState = { status: 'known'; terms: Readonly<Record<string, HeldRole>> };

export type RecordRoleHeld = Command<'RecordRoleHeld', { podId: string; termId: string; memberId: string; role: string }>;
export type RecordRoleEnded = Command<'RecordRoleEnded', { podId: string; termId: string; memberId: string; role: string }>;
export type PodRolesCommand = RecordRoleHeld | RecordRoleEnded;

export type PodRoleHeld = DomainEvent<'PodRoleHeld', { podId: string; termId: string; memberId: string; role: FundsRole }>;
export type PodRoleEnded = DomainEvent<'PodRoleEnded', { podId: string; termId: string; memberId: string; role: FundsRole }>;
export type PodRolesEvent = PodRoleHeld | PodRoleEnded;

export function isFundsRole(role: string): role is FundsRole {
  return (FUNDS_ROLES as readonly string[]).includes(role);
}

export function holds(state: PodRolesState, memberId: string, role: FundsRole): boolean {
  return Object.values(state.terms).some((term) => term.memberId === memberId && term.role === role);
}

export const podRolesDecider: Decider<PodRolesState, PodRolesCommand, PodRolesEvent> = {
  initialState: () => ({ status: 'known', terms: {} }),

  decide(command, state) {
    const { podId, termId, memberId, role } = command.data;
    // Other roles (moderator, a pod's own) mean nothing to funds.
    if (!isFundsRole(role)) return [];
    switch (command.type) {
      case 'RecordRoleHeld':
        if (state.terms[termId]) return [];
        return [{ type: 'PodRoleHeld', data: { podId, termId, memberId, role }, metadata: eventMetadataFrom(command.metadata) }];
      case 'RecordRoleEnded':
        if (!state.terms[termId]) return [];
        return [{ type: 'PodRoleEnded', data: { podId, termId, memberId, role }, metadata: eventMetadataFrom(command.metadata) }];
      default:
        return assertNever(command, 'pod roles command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodRoleHeld':
        return { status: 'known', terms: { ...state.terms, [event.data.termId]: { memberId: event.data.memberId, role: event.data.role } } };
      case 'PodRoleEnded': {
        const { [event.data.termId]: _ended, ...terms } = state.terms;
        return { status: 'known', terms };
      }
      default:
        return assertNever(event, 'pod roles event');
    }
  },
};
