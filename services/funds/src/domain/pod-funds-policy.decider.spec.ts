import { DomainRuleViolation, spec } from '@mutuo/domain';
import { DEFAULT_FUNDS_POLICY, fundsPolicyDecider, type FundsPolicyEvent } from './pod-funds-policy.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'person-dee', podId: 'pod-1' };
const eventMetadata = { occurredAt: now, actorId: 'person-dee', podId: 'pod-1' };
const { monthlyBudgets: _budgets, ...defaults } = DEFAULT_FUNDS_POLICY;

describe('a pod funds policy', () => {
  it('given the defaults, when a treasurer changes the approvals needed, then the whole policy is recorded', () => {
    spec(fundsPolicyDecider)
      .given([])
      .when({
        type: 'SetFundsPolicy',
        data: { podId: 'pod-1', changes: { treasurerApprovalsRequired: 3, timeCreditLimitMinutes: 300 }, actorMayManage: true },
        metadata,
      })
      .then([
        {
          type: 'FundsPolicySet',
          data: { podId: 'pod-1', policy: { ...defaults, treasurerApprovalsRequired: 3, timeCreditLimitMinutes: 300 } },
          metadata: eventMetadata,
        },
      ]);
  });

  it('sets and removes a monthly budget per category', () => {
    const set: FundsPolicyEvent = { type: 'MonthlyBudgetSet', data: { podId: 'pod-1', category: 'groceries', amountMinor: 30_000 }, metadata: eventMetadata };
    spec(fundsPolicyDecider)
      .given([])
      .when({ type: 'SetMonthlyBudget', data: { podId: 'pod-1', category: 'groceries', amountMinor: 30_000, actorMayManage: true }, metadata })
      .then([set]);
    expect(spec(fundsPolicyDecider).given([set]).state().policy.monthlyBudgets).toEqual({ groceries: 30_000 });
    const removed: FundsPolicyEvent = { ...set, data: { ...set.data, amountMinor: null } } as FundsPolicyEvent;
    expect(spec(fundsPolicyDecider).given([set, removed]).state().policy.monthlyBudgets).toEqual({});
  });

  it('refuses members who are neither treasurer nor coordinator, HOUR as a currency, and auto-approval above the pod-decision line', () => {
    const code = (changes: object, actorMayManage = true) =>
      (
        spec(fundsPolicyDecider)
          .given([])
          .when({ type: 'SetFundsPolicy', data: { podId: 'pod-1', changes, actorMayManage }, metadata })
          .thenThrows(DomainRuleViolation) as DomainRuleViolation
      ).code;
    expect(code({ treasurerApprovalsRequired: 1 }, false)).toBe('NOT_A_TREASURER');
    expect(code({ currency: 'HOUR' })).toBe('UNIT_MISMATCH');
    expect(code({ autoApproveUpToMinor: 60_000 })).toBe('INVALID_POLICY');
    expect(code({ treasurerApprovalsRequired: 0 })).toBe('INVALID_POLICY');
    expect(code({ autoApproveUpToMinor: 10.5 })).toBe('FRACTIONAL_MINOR_UNIT');
  });
});
