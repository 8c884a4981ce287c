import { Decider, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { PodRolesCommand, RoleAuthority, RolePolicyChanges } from './pod-roles.commands';
import type { CoordinatorGapAlerted, CoordinatorGapReason, GrantSource, PodRolesEvent, RoleLapsed } from './pod-roles.events';
import {
  BUILT_IN_ROLES,
  RESERVED_ROLE_NAMES,
  ROLE_POLICY_LIMITS,
  effectiveEnd,
  evolvePodRoles,
  holdersAt,
  initialPodRolesState,
  isKnownRole,
  termKey,
  type PodRolesState,
  type RolePolicy,
  type RoleTerm,
} from './pod-roles.state';

/**
 * Rotating roles of one pod: who holds which role for which term, and the pod's rules for terms.
 * One aggregate per pod, so "never without a coordinator" and atomic handovers are decided against
 * every current term at once; a pod's role activity is a few events a month, so one stream stays small.
 */

// The decider is the way in to a pod's roles: its commands, events and state come with it.
export * from './pod-roles.commands';
export * from './pod-roles.events';
export * from './pod-roles.state';

const ROLE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const DAY_MS = 86_400_000;

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

export const podRolesDecider: Decider<PodRolesState, PodRolesCommand, PodRolesEvent> = {
  initialState: initialPodRolesState,

  decide(command, state) {
    const now = command.metadata.now;
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'SetRolePolicy': {
        const { podId, authority, changes } = command.data;
        authorize(state, authority, now, { bootstrapRole: null });
        const policy = mergePolicy(state.policy, changes);
        for (const role of state.policy.customRoles.filter((name) => !policy.customRoles.includes(name))) {
          const holder = Object.values(state.terms).find((term) => term.role === role);
          if (holder) {
            throw new DomainRuleViolation('CUSTOM_ROLE_IN_USE', `The role "${role}" is still held: it can be removed once its terms have ended`, 'customRoles');
          }
        }
        // Setting the policy it already has changes nothing, so it records nothing.
        if (samePolicy(policy, state.policy)) return [];
        return [{ type: 'RolePolicySet', data: { podId, ...policy }, metadata }];
      }

      case 'GrantRole': {
        const { podId, termId, memberId, role, memberActive, authority } = command.data;
        const via = authorize(state, authority, now, { bootstrapRole: role });
        requireKnownRole(state.policy, role);
        if (!memberActive) throw new DomainRuleViolation('MEMBER_NOT_FOUND', 'No active member of this pod has this id', 'memberId');
        if (state.terms[termKey(role, memberId)]) {
          throw new DomainRuleViolation('ROLE_ALREADY_HELD', `This member already holds the role "${role}"`, 'memberId');
        }
        const consecutiveTerms = nextConsecutiveTerms(state, role, memberId, now, 'memberId');
        return [
          { type: 'RoleGranted', data: { podId, ...newTerm(state.policy, termId, now, consecutiveTerms), memberId, role, via, fromMemberId: null }, metadata },
        ];
      }

      case 'RenewTerm': {
        const { podId, termId, memberId, role, authority } = command.data;
        authorize(state, authority, now, { bootstrapRole: null });
        const term = state.terms[termKey(role, memberId)];
        if (!term) throw new DomainRuleViolation('ROLE_NOT_HELD', `This member does not hold the role "${role}"`, 'memberId');
        const consecutiveTerms = term.consecutiveTerms + 1;
        if (consecutiveTerms > state.policy.maxConsecutiveTerms) {
          throw new DomainRuleViolation(
            'CONSECUTIVE_TERM_LIMIT',
            `This member has served ${term.consecutiveTerms} consecutive terms as ${role}, the pod's limit: hand the role over to someone else`,
            'memberId',
          );
        }
        // The next term follows on from this one, so renewing early loses no days and renewing late adds none.
        const next = newTerm(state.policy, termId, term.termEnd, consecutiveTerms);
        return [{ type: 'RoleTermRenewed', data: { podId, ...next, previousTermId: term.termId, memberId, role }, metadata }];
      }

      case 'HandOver': {
        const { podId, termId, role, fromMemberId, toMemberId, toMemberActive } = command.data;
        const term = state.terms[termKey(role, fromMemberId)];
        if (!term) throw new DomainRuleViolation('ROLE_NOT_HELD', `You do not hold the role "${role}"`, 'role');
        if (toMemberId === fromMemberId) throw new DomainRuleViolation('SAME_MEMBER', 'Hand the role over to someone else', 'toMemberId');
        if (!toMemberActive) throw new DomainRuleViolation('MEMBER_NOT_FOUND', 'No active member of this pod has this id', 'toMemberId');
        if (state.terms[termKey(role, toMemberId)]) {
          throw new DomainRuleViolation('ROLE_ALREADY_HELD', `This member already holds the role "${role}"`, 'toMemberId');
        }
        const consecutiveTerms = nextConsecutiveTerms(state, role, toMemberId, now, 'toMemberId');
        return [
          { type: 'RoleHandedOver', data: { podId, role, termId: term.termId, fromMemberId, toMemberId, endedAt: now }, metadata },
          {
            type: 'RoleGranted',
            data: { podId, ...newTerm(state.policy, termId, now, consecutiveTerms), memberId: toMemberId, role, via: 'handover', fromMemberId },
            metadata,
          },
        ];
      }

      case 'StepDown': {
        const { podId, role, memberId } = command.data;
        const term = state.terms[termKey(role, memberId)];
        if (!term) throw new DomainRuleViolation('ROLE_NOT_HELD', `You do not hold the role "${role}"`, 'role');
        const events: PodRolesEvent[] = [{ type: 'RoleSteppedDown', data: { podId, role, termId: term.termId, memberId, endedAt: now }, metadata }];
        // Stepping back is always allowed (it protects people from burnout), so the pod may be left without a
        // coordinator; it is never left so silently: region stewards are alerted and may appoint one.
        if (role === 'coordinator' && isLastCoordinator(state, term, now)) {
          events.push({ type: 'CoordinatorGapAlerted', data: { podId, memberId, termId: term.termId, reason: 'stepped-down', graceUntil: null }, metadata });
        }
        return events;
      }

      case 'WarnTermEnding': {
        const { podId, memberId, role } = command.data;
        const term = state.terms[termKey(role, memberId)];
        const at = Date.parse(now);
        // Once per term, and only between the notice date and the end: after the end the lapse speaks for itself.
        if (!term || term.warnedAt !== null || at < Date.parse(term.warnFrom) || at >= Date.parse(term.termEnd)) return [];
        const renewable = term.consecutiveTerms < state.policy.maxConsecutiveTerms;
        return [{ type: 'RoleTermEndingWarned', data: { podId, role, termId: term.termId, memberId, termEnd: term.termEnd, renewable }, metadata }];
      }

      case 'LapseTerm': {
        const { podId, memberId, role } = command.data;
        const term = state.terms[termKey(role, memberId)];
        if (!term || Date.parse(effectiveEnd(term)) > Date.parse(now)) return [];
        const lapsed: RoleLapsed = { type: 'RoleLapsed', data: { podId, role, termId: term.termId, memberId, endedAt: effectiveEnd(term) }, metadata };
        if (role !== 'coordinator' || !isLastCoordinator(state, term, now)) return [lapsed];
        const alert = (reason: CoordinatorGapReason, graceUntil: string | null): CoordinatorGapAlerted => ({
          type: 'CoordinatorGapAlerted',
          data: { podId, memberId, termId: term.termId, reason, graceUntil },
          metadata,
        });
        // The last coordinator is kept on for a bounded grace period rather than lapsing at once: without a
        // coordinator nobody in the pod can grant roles or hand this one over, so a plain lapse would leave the
        // pod waiting for a region steward. The grace keeps the handover path open while the alert makes the gap
        // known; it is counted from now (not from the end date) so a late scheduler still leaves real time to act,
        // and it is granted once per term: when it runs out the term lapses and the pod is alerted again.
        if (term.graceUntil === null && state.policy.coordinatorGraceDays > 0) {
          return [alert('term-ended', addDays(now, state.policy.coordinatorGraceDays))];
        }
        return [lapsed, alert(term.graceUntil === null ? 'term-ended' : 'grace-ended', null)];
      }

      default:
        return assertNever(command, 'pod roles command');
    }
  },

  evolve: evolvePodRoles,
};

/**
 * How the caller may act: as a coordinator holding the role right now, or (only for appointing the first
 * coordinator, or setting the policy, of a pod that has none) as a steward. Returns the grant source.
 */
function authorize(state: PodRolesState, authority: RoleAuthority, now: string, { bootstrapRole }: { bootstrapRole: string | null }): GrantSource {
  const coordinators = holdersAt(state, 'coordinator', now);
  if (authority.coordinatorClaim && coordinators.some((term) => term.memberId === authority.actorMemberId)) return 'grant';
  if (authority.stewardClaim) {
    if (coordinators.length > 0) {
      throw new DomainRuleViolation('POD_HAS_COORDINATOR', "This pod has a coordinator: its coordinators manage the pod's roles", 'podId');
    }
    if (bootstrapRole !== null && bootstrapRole !== 'coordinator') {
      throw new DomainRuleViolation('BOOTSTRAP_COORDINATOR_ONLY', 'A pod without a coordinator can only be given a coordinator first', 'role');
    }
    return 'bootstrap';
  }
  throw new DomainRuleViolation('NOT_A_COORDINATOR', 'Only a current coordinator of this pod can manage its roles');
}

function requireKnownRole(policy: RolePolicy, role: string): void {
  if (!isKnownRole(policy, role)) {
    const known = [...BUILT_IN_ROLES, ...policy.customRoles].join(', ');
    throw new DomainRuleViolation('UNKNOWN_ROLE', `"${role}" is not a role of this pod (roles: ${known})`, 'role');
  }
}

/** Serving again before sitting out a full term length continues the previous run of terms. */
function nextConsecutiveTerms(state: PodRolesState, role: string, memberId: string, now: string, field: string): number {
  const record = state.served[termKey(role, memberId)];
  const continues = record !== undefined && Date.parse(now) - Date.parse(record.endedAt) < state.policy.termLengthDays * DAY_MS;
  const consecutiveTerms = continues ? record.consecutiveTerms + 1 : 1;
  if (consecutiveTerms > state.policy.maxConsecutiveTerms) {
    throw new DomainRuleViolation(
      'CONSECUTIVE_TERM_LIMIT',
      `This member served ${record!.consecutiveTerms} consecutive terms as ${role} until ${record!.endedAt}, the pod's limit: ` +
        `they can serve again ${state.policy.termLengthDays} days after that`,
      field,
    );
  }
  return consecutiveTerms;
}

function newTerm(policy: RolePolicy, termId: string, termStart: string, consecutiveTerms: number) {
  const termEnd = addDays(termStart, policy.termLengthDays);
  return { termId, termStart, termEnd, warnFrom: addDays(termEnd, -policy.termEndingNoticeDays), consecutiveTerms };
}

function isLastCoordinator(state: PodRolesState, term: RoleTerm, now: string): boolean {
  return holdersAt(state, 'coordinator', now).every((other) => other.memberId === term.memberId);
}

function mergePolicy(current: RolePolicy, changes: RolePolicyChanges): RolePolicy {
  const limits = ROLE_POLICY_LIMITS;
  const whole = (field: 'termLengthDays' | 'maxConsecutiveTerms' | 'termEndingNoticeDays' | 'coordinatorGraceDays', unit: string) => {
    const value = changes[field] ?? current[field];
    const { min, max } = limits[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DomainRuleViolation('INVALID_ROLE_POLICY', `${field} must be a whole number of ${unit} from ${min} to ${max}`, field);
    }
    return value;
  };
  const termLengthDays = whole('termLengthDays', 'days');
  const maxConsecutiveTerms = whole('maxConsecutiveTerms', 'terms');
  const termEndingNoticeDays = whole('termEndingNoticeDays', 'days');
  const coordinatorGraceDays = whole('coordinatorGraceDays', 'days');
  if (termEndingNoticeDays >= termLengthDays) {
    throw new DomainRuleViolation('INVALID_ROLE_POLICY', 'termEndingNoticeDays must be shorter than termLengthDays', 'termEndingNoticeDays');
  }
  const customRoles = [...new Set(changes.customRoles ?? current.customRoles)];
  if (customRoles.length > limits.customRoles.max) {
    throw new DomainRuleViolation('INVALID_ROLE_POLICY', `A pod has at most ${limits.customRoles.max} roles of its own`, 'customRoles');
  }
  for (const role of customRoles) {
    if (!ROLE_NAME.test(role) || role.length < limits.customRoles.nameMin || role.length > limits.customRoles.nameMax) {
      throw new DomainRuleViolation(
        'INVALID_ROLE_NAME',
        `"${role}" is not a role name: use ${limits.customRoles.nameMin} to ${limits.customRoles.nameMax} lowercase letters and digits joined by "-"`,
        'customRoles',
      );
    }
    if ((BUILT_IN_ROLES as readonly string[]).includes(role) || (RESERVED_ROLE_NAMES as readonly string[]).includes(role)) {
      throw new DomainRuleViolation('INVALID_ROLE_NAME', `"${role}" is a built-in or reserved name`, 'customRoles');
    }
  }
  return { termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, customRoles };
}

function samePolicy(a: RolePolicy, b: RolePolicy): boolean {
  return (
    a.termLengthDays === b.termLengthDays &&
    a.maxConsecutiveTerms === b.maxConsecutiveTerms &&
    a.termEndingNoticeDays === b.termEndingNoticeDays &&
    a.coordinatorGraceDays === b.coordinatorGraceDays &&
    a.customRoles.length === b.customRoles.length &&
    a.customRoles.every((role, index) => b.customRoles[index] === role)
  );
}
