import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * Rotating roles of one pod: who holds which role for which term, and the pod's rules for terms.
 * One aggregate per pod, so "never without a coordinator" and atomic handovers are decided against
 * every current term at once; a pod's role activity is a few events a month, so one stream stays small.
 */

export const BUILT_IN_ROLES = ['coordinator', 'treasurer', 'moderator', 'dispatcher'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** Names tokens already use for platform-wide powers: a pod role with one of them would read like that power. */
export const RESERVED_ROLE_NAMES = ['member', 'operator', 'region-steward', 'system', 'admin'] as const;

const ROLE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const DAY_MS = 86_400_000;

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

/**
 * What the caller may claim, as the handler found it in their verified token. The decider still checks
 * coordinator claims against the terms it holds: a token issued before a term ended must not outlive it.
 */
export interface RoleAuthority {
  readonly actorMemberId: string;
  /** The token lists `coordinator` for this pod. */
  readonly coordinatorClaim: boolean;
  /** An operator, or a region steward of the pod's region: may appoint a coordinator when the pod has none. */
  readonly stewardClaim: boolean;
}

export type RolePolicyChanges = { readonly [K in keyof RolePolicy]?: RolePolicy[K] | null };

export type SetRolePolicy = Command<'SetRolePolicy', { podId: string; authority: RoleAuthority; changes: RolePolicyChanges }>;
/** `memberActive`: the handler looked the member up in the pod. */
export type GrantRole = Command<
  'GrantRole',
  { podId: string; termId: string; memberId: string; role: string; memberActive: boolean; authority: RoleAuthority }
>;
export type RenewTerm = Command<'RenewTerm', { podId: string; termId: string; memberId: string; role: string; authority: RoleAuthority }>;
/** The caller hands their own role to another member. */
export type HandOver = Command<
  'HandOver',
  { podId: string; termId: string; role: string; fromMemberId: string; toMemberId: string; toMemberActive: boolean }
>;
export type StepDown = Command<'StepDown', { podId: string; role: string; memberId: string }>;
/** Issued by the scheduler: harmless when early, late or repeated. */
export type WarnTermEnding = Command<'WarnTermEnding', { podId: string; memberId: string; role: string }>;
export type LapseTerm = Command<'LapseTerm', { podId: string; memberId: string; role: string }>;

export type PodRolesCommand = SetRolePolicy | GrantRole | RenewTerm | HandOver | StepDown | WarnTermEnding | LapseTerm;

export type GrantSource = 'grant' | 'bootstrap' | 'handover';
export type CoordinatorGapReason = 'term-ended' | 'grace-ended' | 'stepped-down';

export type RolePolicySet = DomainEvent<'RolePolicySet', { podId: string } & RolePolicy>;
export type RoleGranted = DomainEvent<
  'RoleGranted',
  {
    podId: string;
    termId: string;
    memberId: string;
    role: string;
    termStart: string;
    termEnd: string;
    warnFrom: string;
    consecutiveTerms: number;
    via: GrantSource;
    /** The previous holder, for a handover. */
    fromMemberId: string | null;
  }
>;
export type RoleTermRenewed = DomainEvent<
  'RoleTermRenewed',
  {
    podId: string;
    termId: string;
    previousTermId: string;
    memberId: string;
    role: string;
    termStart: string;
    termEnd: string;
    warnFrom: string;
    consecutiveTerms: number;
  }
>;
export type RoleHandedOver = DomainEvent<
  'RoleHandedOver',
  { podId: string; role: string; termId: string; fromMemberId: string; toMemberId: string; endedAt: string }
>;
export type RoleSteppedDown = DomainEvent<'RoleSteppedDown', { podId: string; role: string; termId: string; memberId: string; endedAt: string }>;
export type RoleTermEndingWarned = DomainEvent<
  'RoleTermEndingWarned',
  { podId: string; role: string; termId: string; memberId: string; termEnd: string; renewable: boolean }
>;
export type RoleLapsed = DomainEvent<'RoleLapsed', { podId: string; role: string; termId: string; memberId: string; endedAt: string }>;
export type CoordinatorGapAlerted = DomainEvent<
  'CoordinatorGapAlerted',
  {
    podId: string;
    /** The coordinator whose term ended (or who stepped down) with nobody else holding the role. */
    memberId: string;
    termId: string;
    reason: CoordinatorGapReason;
    /** Until when they stay on; null when the pod is now without a coordinator. */
    graceUntil: string | null;
  }
>;

export type PodRolesEvent =
  | RolePolicySet
  | RoleGranted
  | RoleTermRenewed
  | RoleHandedOver
  | RoleSteppedDown
  | RoleTermEndingWarned
  | RoleLapsed
  | CoordinatorGapAlerted;

export const POD_ROLES_EVENT_TYPES = [
  'RolePolicySet',
  'RoleGranted',
  'RoleTermRenewed',
  'RoleHandedOver',
  'RoleSteppedDown',
  'RoleTermEndingWarned',
  'RoleLapsed',
  'CoordinatorGapAlerted',
] as const satisfies readonly PodRolesEvent['type'][];

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

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

export const podRolesDecider: Decider<PodRolesState, PodRolesCommand, PodRolesEvent> = {
  initialState: () => ({ podId: null, policy: DEFAULT_ROLE_POLICY, terms: {}, served: {} }),

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
            throw new DomainRuleViolation(
              'CUSTOM_ROLE_IN_USE',
              `The role "${role}" is still held: it can be removed once its terms have ended`,
              'customRoles',
            );
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
        return [{ type: 'RoleGranted', data: { podId, ...newTerm(state.policy, termId, now, consecutiveTerms), memberId, role, via, fromMemberId: null }, metadata }];
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

  evolve(state, event) {
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
        return event.data.graceUntil === null
          ? withPod
          : updateTerm(withPod, 'coordinator', event.data.memberId, { graceUntil: event.data.graceUntil });
      default:
        return assertNever(event, 'pod roles event');
    }
  },
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
  throw new DomainRuleViolation('NOT_A_COORDINATOR', "Only a current coordinator of this pod can manage its roles");
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
