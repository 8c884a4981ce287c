import { DomainRuleViolation } from '@mutuo/domain';

/**
 * How a pod decides each kind of question. A pod that never chose uses the defaults: consent for everyday
 * questions (go ahead unless someone objects), a majority with quorum for money, consensus for what binds everyone
 * (its agreements, its data).
 */

export const DECISION_KINDS = ['general', 'funds-disbursement', 'agreement-change', 'admission', 'data-move'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const DECISION_METHODS = ['consent', 'majority', 'consensus'] as const;
export type DecisionMethodName = (typeof DECISION_METHODS)[number];

/** Who may vote: every active member, or the holders of one role (e.g. `coordinator`). */
export type Electorate = 'members' | { readonly role: string };

export interface DecisionMethod {
  readonly method: DecisionMethodName;
  /** Majority only: the share of the electorate (in percent) that must vote, abstentions included. */
  readonly quorumPercent: number | null;
  readonly electorate: Electorate;
}

export type DecisionMethods = Readonly<Record<DecisionKind, DecisionMethod>>;

export const DEFAULT_DECISION_METHODS: DecisionMethods = Object.freeze({
  general: { method: 'consent', quorumPercent: null, electorate: 'members' },
  'funds-disbursement': { method: 'majority', quorumPercent: 50, electorate: 'members' },
  'agreement-change': { method: 'consensus', quorumPercent: null, electorate: 'members' },
  admission: { method: 'consent', quorumPercent: null, electorate: 'members' },
  'data-move': { method: 'consensus', quorumPercent: null, electorate: 'members' },
});

export const QUORUM_LIMITS = { min: 1, max: 100 } as const;

/** A change as a client sends it: `role` null or absent means every member votes. */
export interface DecisionMethodInput {
  readonly kind: string;
  readonly method: string;
  readonly quorumPercent?: number | null;
  readonly role?: string | null;
}

/**
 * Validates the changes against the pod's roles and applies them over `current`; kinds not named keep their method.
 * `isRole` says whether a role name is one the pod has.
 */
export function applyDecisionMethods(current: DecisionMethods, changes: readonly DecisionMethodInput[], isRole: (role: string) => boolean): DecisionMethods {
  const next: Record<DecisionKind, DecisionMethod> = { ...current };
  const seen = new Set<string>();
  changes.forEach((change, index) => {
    const field = `decisionMethods.${index}`;
    const kind = DECISION_KINDS.find((candidate) => candidate === change.kind);
    if (!kind) throw new DomainRuleViolation('INVALID_DECISION_METHOD', `kind must be one of: ${DECISION_KINDS.join(', ')}`, `${field}.kind`);
    if (seen.has(kind)) throw new DomainRuleViolation('INVALID_DECISION_METHOD', `Each kind is set once (${kind} twice)`, `${field}.kind`);
    seen.add(kind);
    const method = DECISION_METHODS.find((candidate) => candidate === change.method);
    if (!method) throw new DomainRuleViolation('INVALID_DECISION_METHOD', `method must be one of: ${DECISION_METHODS.join(', ')}`, `${field}.method`);
    const quorumPercent = method === 'majority' ? (change.quorumPercent ?? DEFAULT_DECISION_METHODS['funds-disbursement'].quorumPercent) : null;
    if (method !== 'majority' && change.quorumPercent != null) {
      throw new DomainRuleViolation('INVALID_DECISION_METHOD', 'Only a majority vote has a quorum', `${field}.quorumPercent`);
    }
    if (quorumPercent !== null && (!Number.isInteger(quorumPercent) || quorumPercent < QUORUM_LIMITS.min || quorumPercent > QUORUM_LIMITS.max)) {
      throw new DomainRuleViolation(
        'INVALID_DECISION_METHOD',
        `quorumPercent is a whole number from ${QUORUM_LIMITS.min} to ${QUORUM_LIMITS.max}`,
        `${field}.quorumPercent`,
      );
    }
    const role = change.role ?? null;
    if (role !== null && !isRole(role)) throw new DomainRuleViolation('UNKNOWN_ROLE', `The pod has no role "${role}"`, `${field}.role`);
    next[kind] = { method, quorumPercent, electorate: role === null ? 'members' : { role } };
  });
  return next;
}

export function sameDecisionMethods(a: DecisionMethods, b: DecisionMethods): boolean {
  return DECISION_KINDS.every((kind) => JSON.stringify(a[kind]) === JSON.stringify(b[kind]));
}
