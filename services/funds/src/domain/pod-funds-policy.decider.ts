import { DISBURSEMENT_CATEGORIES, type DisbursementCategory } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { checkAmountMinorOrZero, checkUnit, isMoney } from './money';

/** How a pod pays out money and runs its time bank. Each pod sets its own; these are the defaults until it does. */
export interface FundsPolicy {
  /** The currency of the pod's treasury and disbursements. */
  readonly currency: string;
  /** Emergencies up to this amount are approved at once. */
  readonly autoApproveUpToMinor: number;
  /** Treasurer approvals a proposal needs (the proposer's own never counts). */
  readonly treasurerApprovalsRequired: number;
  /** Above this amount only a pod decision approves a proposal. */
  readonly podDecisionAboveMinor: number;
  /** How far below zero a member's time account may go, in minutes (positive number). */
  readonly timeCreditLimitMinutes: number;
  /** The most one pool grant may give a member, in minutes. */
  readonly poolGrantMaxMinutes: number;
  /** Monthly budget per category, in the pod's currency; absent = no budget. */
  readonly monthlyBudgets: Readonly<Partial<Record<DisbursementCategory, number>>>;
}

export const DEFAULT_FUNDS_POLICY: FundsPolicy = {
  currency: 'EUR',
  autoApproveUpToMinor: 5_000,
  treasurerApprovalsRequired: 2,
  podDecisionAboveMinor: 50_000,
  timeCreditLimitMinutes: 600,
  poolGrantMaxMinutes: 600,
  monthlyBudgets: {},
};

export type FundsPolicyState = { status: 'default' | 'set'; policy: FundsPolicy };

export type FundsPolicyChanges = Partial<Omit<FundsPolicy, 'monthlyBudgets'>>;

/** `actorMayManage`: the caller is a coordinator or treasurer of the pod, per funds' own role read model. */
export type SetFundsPolicy = Command<'SetFundsPolicy', { podId: string; changes: FundsPolicyChanges; actorMayManage: boolean }>;
export type SetMonthlyBudget = Command<'SetMonthlyBudget', { podId: string; category: string; amountMinor: number | null; actorMayManage: boolean }>;
export type FundsPolicyCommand = SetFundsPolicy | SetMonthlyBudget;

export type FundsPolicySet = DomainEvent<'FundsPolicySet', { podId: string; policy: Omit<FundsPolicy, 'monthlyBudgets'> }>;
export type MonthlyBudgetSet = DomainEvent<'MonthlyBudgetSet', { podId: string; category: DisbursementCategory; amountMinor: number | null }>;
export type FundsPolicyEvent = FundsPolicySet | MonthlyBudgetSet;

function requireManager(allowed: boolean): void {
  if (!allowed) throw new DomainRuleViolation('NOT_A_TREASURER', "Only the pod's treasurers and coordinators may change how its funds are run");
}

function wholeCount(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainRuleViolation('INVALID_POLICY', `${field} must be a whole number from ${min} to ${max}`, field);
  }
  return value;
}

export function checkCategory(category: unknown, field = 'category'): DisbursementCategory {
  if (typeof category !== 'string' || !(DISBURSEMENT_CATEGORIES as readonly string[]).includes(category)) {
    throw new DomainRuleViolation('INVALID_CATEGORY', `Unknown category: use one of ${DISBURSEMENT_CATEGORIES.join(', ')}`, field);
  }
  return category as DisbursementCategory;
}

export const fundsPolicyDecider: Decider<FundsPolicyState, FundsPolicyCommand, FundsPolicyEvent> = {
  initialState: () => ({ status: 'default', policy: DEFAULT_FUNDS_POLICY }),

  decide(command, state) {
    switch (command.type) {
      case 'SetFundsPolicy': {
        requireManager(command.data.actorMayManage);
        const { monthlyBudgets: _budgets, ...current } = state.policy;
        const next = { ...current, ...command.data.changes };
        const currency = checkUnit(next.currency, 'currency');
        if (!isMoney(currency)) throw new DomainRuleViolation('UNIT_MISMATCH', 'The treasury is kept in a currency, not HOUR', 'currency');
        const policy = {
          currency,
          autoApproveUpToMinor: checkAmountMinorOrZero(next.autoApproveUpToMinor, 'autoApproveUpToMinor'),
          treasurerApprovalsRequired: wholeCount(next.treasurerApprovalsRequired, 'treasurerApprovalsRequired', 1, 10),
          podDecisionAboveMinor: checkAmountMinorOrZero(next.podDecisionAboveMinor, 'podDecisionAboveMinor'),
          timeCreditLimitMinutes: wholeCount(next.timeCreditLimitMinutes, 'timeCreditLimitMinutes', 0, 100_000),
          poolGrantMaxMinutes: wholeCount(next.poolGrantMaxMinutes, 'poolGrantMaxMinutes', 0, 100_000),
        };
        if (policy.autoApproveUpToMinor > policy.podDecisionAboveMinor) {
          throw new DomainRuleViolation('INVALID_POLICY', 'Auto-approval cannot reach amounts that need a pod decision', 'autoApproveUpToMinor');
        }
        return [{ type: 'FundsPolicySet', data: { podId: command.data.podId, policy }, metadata: eventMetadataFrom(command.metadata) }];
      }
      case 'SetMonthlyBudget': {
        requireManager(command.data.actorMayManage);
        const category = checkCategory(command.data.category);
        const amountMinor = command.data.amountMinor === null ? null : checkAmountMinorOrZero(command.data.amountMinor, 'amountMinor');
        return [{ type: 'MonthlyBudgetSet', data: { podId: command.data.podId, category, amountMinor }, metadata: eventMetadataFrom(command.metadata) }];
      }
      default:
        return assertNever(command, 'funds policy command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'FundsPolicySet':
        return { status: 'set', policy: { ...event.data.policy, monthlyBudgets: state.policy.monthlyBudgets } };
      case 'MonthlyBudgetSet': {
        const budgets: Partial<Record<DisbursementCategory, number>> = { ...state.policy.monthlyBudgets };
        if (event.data.amountMinor === null) delete budgets[event.data.category];
        else budgets[event.data.category] = event.data.amountMinor;
        return { status: 'set', policy: { ...state.policy, monthlyBudgets: budgets } };
      }
      default:
        return assertNever(event, 'funds policy event');
    }
  },
};
