import { DomainRuleViolation, spec } from '@mutuo/domain';
import { ledgerAccountDecider, type LedgerAccount, type OpenLedgerAccount } from './ledger-account.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'system:funds', podId: 'pod-1' };
const pool: LedgerAccount = {
  accountId: 'acc-1',
  podId: 'pod-1',
  kind: 'community-time-pool',
  unit: 'HOUR',
  floorMinor: 0,
  memberId: null,
  counterpartyPodId: null,
};
const open = (account: Partial<LedgerAccount> = {}): OpenLedgerAccount => ({ type: 'OpenLedgerAccount', data: { ...pool, ...account }, metadata });
const opened = {
  type: 'LedgerAccountOpened' as const,
  data: { ...pool, openedAt: now },
  metadata: { occurredAt: now, actorId: 'system:funds', podId: 'pod-1' },
};

describe('ledger accounts', () => {
  it('given a new pod, when its community pool is opened, then it is kept in HOUR and cannot go below zero', () => {
    spec(ledgerAccountDecider).given([]).when(open()).then([opened]);
    expect(spec(ledgerAccountDecider).given([opened]).state()).toEqual({ status: 'open', account: pool });
  });

  it('given an open account, when it is opened again, then nothing happens', () => {
    spec(ledgerAccountDecider).given([opened]).when(open()).then([]);
  });

  it('lets a member time account have the pod credit limit as its floor', () => {
    const member = { kind: 'member-time' as const, floorMinor: -600, memberId: 'member-1' };
    spec(ledgerAccountDecider)
      .given([])
      .when(open(member))
      .then([{ ...opened, data: { ...opened.data, ...member } }]);
  });

  it('refuses money below zero, time pools in a currency, and outside accounts with a floor', () => {
    const code = (account: Partial<LedgerAccount>) =>
      (spec(ledgerAccountDecider).given([]).when(open(account)).thenThrows(DomainRuleViolation) as DomainRuleViolation).code;
    expect(code({ kind: 'treasury', unit: 'EUR', floorMinor: -100 })).toBe('INVALID_FLOOR');
    expect(code({ unit: 'EUR' })).toBe('UNIT_MISMATCH');
    expect(code({ kind: 'treasury', unit: 'HOUR' })).toBe('UNIT_MISMATCH');
    expect(code({ kind: 'external-source', unit: 'EUR', floorMinor: 0 })).toBe('INVALID_FLOOR');
    expect(code({ kind: 'clearing', floorMinor: null, counterpartyPodId: 'pod-1' })).toBe('INVALID_ACCOUNT');
    expect(code({ unit: 'euro' })).toBe('INVALID_UNIT');
  });

  it('keeps a settled clearing position in HOUR, toward another pod, without a floor', () => {
    const settled = { kind: 'settled-clearing' as const, floorMinor: null, counterpartyPodId: 'pod-2' };
    spec(ledgerAccountDecider)
      .given([])
      .when(open(settled))
      .then([{ ...opened, data: { ...opened.data, ...settled } }]);
    const code = (account: Partial<LedgerAccount>) =>
      (spec(ledgerAccountDecider).given([]).when(open(account)).thenThrows(DomainRuleViolation) as DomainRuleViolation).code;
    expect(code({ ...settled, unit: 'EUR' })).toBe('UNIT_MISMATCH');
    expect(code({ ...settled, counterpartyPodId: null })).toBe('INVALID_ACCOUNT');
    expect(code({ ...settled, floorMinor: 0 })).toBe('INVALID_FLOOR');
  });
});
