import { assertNever } from '@mutuo/domain';
import type { PodRolesEvent } from './pod-roles.events';

/** A pod's roles as rebuilt from its stream: its rules for terms, the current terms and who served what. */

export const BUILT_IN_ROLES = ['coordinator', 'treasurer', 'moderator', 'dispatcher'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** Names tokens already use for platform-wide powers: a pod role with one of them would read like that power. */
export const RESERVED_ROLE_NAMES = ['member', 'operator', 'region-steward', 'system', 'admin'] as const;

export interface RolePolicy {
  readonly termLengthDays: number;
  /** After this many terms in a row a person sits out at least one term length before serving that role again. */
  readonly maxConsecutiveTerms: number;
  /** How long before a term's end the holder and the pod are told it is ending. */
  readonly termEndingNoticeDays: number;
  /** How long the pod's last coordinator stays on after their term ends while the pod finds a successor (0: none). */
  readonly coordinatorGraceDays: number;
  /** The pod's own roles, besides the built-in ones. */
  readonly customRoles: readonly string[];
}

export const DEFAULT_ROLE_POLICY: RolePolicy = Object.freeze({
  termLengthDays: 180,
  maxConsecutiveTerms: 2,
  termEndingNoticeDays: 14,
  coordinatorGraceDays: 30,
  customRoles: Object.freeze([]) as readonly string[],
});

export const ROLE_POLICY_LIMITS = {
  termLengthDays: { min: 7, max: 730 },
  maxConsecutiveTerms: { min: 1, max: 12 },
  termEndingNoticeDays: { min: 1, max: 90 },
  coordinatorGraceDays: { min: 0, max: 90 },
  customRoles: { max: 20, nameMin: 2, nameMax: 40 },
} as const;

export interface RoleTerm {
  readonly termId: string;
  readonly memberId: string;
  readonly role: string;
  readonly termStart: string;
  readonly termEnd: string;
  /** From this moment the term-ending notice is due. */
  readonly warnFrom: string;
  readonly consecutiveTerms: number;
  readonly warnedAt: string | null;
  /** Set when the pod's last coordinator stays on past `termEnd`; the term then ends at this moment instead. */
  readonly graceUntil: string | null;
}

/** The last finished stretch of one person in one role, for the consecutive-terms rule. */
interface ServiceRecord {
  readonly endedAt: string;
  readonly consecutiveTerms: number;
}

export interface PodRolesState {
  readonly podId: string | null;
  readonly policy: RolePolicy;
  /** Current terms by `termKey(role, memberId)`; a term leaves the map when it lapses, is handed over or given up. */
  readonly terms: Readonly<Record<string, RoleTerm>>;
  readonly served: Readonly<Record<string, ServiceRecord>>;
}

export const termKey = (role: string, memberId: string) => `${role}/${memberId}`;

/** When a term really ends: its end date, or the end of the last coordinator's grace period. */
export function effectiveEnd(term: RoleTerm): string {
  return term.graceUntil ?? term.termEnd;
}

export function isKnownRole(policy: RolePolicy, role: string): boolean {
  return (BUILT_IN_ROLES as readonly string[]).includes(role) || policy.customRoles.includes(role);
}

/** Terms of `role` whose holder holds it at `now` (started, and not past its end or grace). */
export function holdersAt(state: PodRolesState, role: string, now: string): RoleTerm[] {
  const at = Date.parse(now);
  return Object.values(state.terms).filter((term) => term.role === role && Date.parse(effectiveEnd(term)) > at);
}

export const initialPodRolesState = (): PodRolesState => ({ podId: null, policy: DEFAULT_ROLE_POLICY, terms: {}, served: {} });

export function evolvePodRoles(state: PodRolesState, event: PodRolesEvent): PodRolesState {
  const withPod = { ...state, podId: event.data.podId };
  switch (event.type) {
    case 'RolePolicySet': {
      const { podId: _podId, ...policy } = event.data;
      return { ...withPod, policy };
    }
    case 'RoleGranted':
    case 'RoleTermRenewed': {
      const { termId, memberId, role, termStart, termEnd, warnFrom, consecutiveTerms } = event.data;
      const term: RoleTerm = { termId, memberId, role, termStart, termEnd, warnFrom, consecutiveTerms, warnedAt: null, graceUntil: null };
      return { ...withPod, terms: { ...state.terms, [termKey(role, memberId)]: term } };
    }
    case 'RoleHandedOver':
      return endTerm(withPod, event.data.role, event.data.fromMemberId, event.data.endedAt);
    case 'RoleSteppedDown':
    case 'RoleLapsed':
      return endTerm(withPod, event.data.role, event.data.memberId, event.data.endedAt);
    case 'RoleTermEndingWarned':
      return updateTerm(withPod, event.data.role, event.data.memberId, { warnedAt: event.metadata.occurredAt });
    case 'CoordinatorGapAlerted':
      // The grace period extends the term; the other alerts follow an event that already ended it.
      return event.data.graceUntil === null ? withPod : updateTerm(withPod, 'coordinator', event.data.memberId, { graceUntil: event.data.graceUntil });
    default:
      return assertNever(event, 'pod roles event');
  }
}

function endTerm(state: PodRolesState, role: string, memberId: string, endedAt: string): PodRolesState {
  const key = termKey(role, memberId);
  const term = state.terms[key];
  if (!term) return state;
  const { [key]: _ended, ...terms } = state.terms;
  return { ...state, terms, served: { ...state.served, [key]: { endedAt, consecutiveTerms: term.consecutiveTerms } } };
}

function updateTerm(state: PodRolesState, role: string, memberId: string, changes: Partial<RoleTerm>): PodRolesState {
  const key = termKey(role, memberId);
  const term = state.terms[key];
  return term ? { ...state, terms: { ...state.terms, [key]: { ...term, ...changes } } } : state;
}
