import { DomainRuleViolation, spec } from '@mutuo/domain';
import { carryTransfer, clearingClosureDecider, type ClearingClosed, type CloseClearing } from './clearing-closure.decider';

const at = '2026-12-07T10:00:00.000Z';
const close = (balances: CloseClearing['data']['balances']): CloseClearing => ({
  type: 'CloseClearing',
  data: { leftPodId: 'pod-b', regionId: 'region-1', balances },
  metadata: { now: at, actorId: 'system:funds', podId: 'pod-b' },
});
const closed = (carried: ClearingClosed['data']['carried']): ClearingClosed => ({
  type: 'ClearingClosed',
  data: { leftPodId: 'pod-b', regionId: 'region-1', carried, closedAt: at },
  metadata: { occurredAt: at, actorId: 'system:funds', podId: 'pod-b' },
});

describe('clearing closes when a pod leaves its region', () => {
  it('given open clearing, when the pod leaves, then every non-zero balance on both sides is carried whole; hearing of it again carries nothing', () => {
    const balances = [
      { podId: 'pod-b', counterpartyPodId: 'pod-a', owedMinutes: 90 },
      { podId: 'pod-a', counterpartyPodId: 'pod-b', owedMinutes: -90 },
      { podId: 'pod-c', counterpartyPodId: 'pod-b', owedMinutes: 0 },
    ];
    const events = spec(clearingClosureDecider)
      .given([])
      .when(close(balances))
      .then([
        closed([
          { podId: 'pod-a', counterpartyPodId: 'pod-b', owedMinutes: -90 },
          { podId: 'pod-b', counterpartyPodId: 'pod-a', owedMinutes: 90 },
        ]),
      ]);
    spec(clearingClosureDecider).given(events).when(close(balances)).then([]);
  });

  it('given no clearing with the region, when the pod leaves, then the closure is recorded with nothing carried', () => {
    spec(clearingClosureDecider)
      .given([])
      .when(close([]))
      .then([closed([])]);
  });

  it('refuses balances that do not cross the departure, and fractions of a minute', () => {
    spec(clearingClosureDecider)
      .given([])
      .when(close([{ podId: 'pod-a', counterpartyPodId: 'pod-c', owedMinutes: 5 }]))
      .thenThrows(DomainRuleViolation, /pod that left/);
    spec(clearingClosureDecider)
      .given([])
      .when(close([{ podId: 'pod-b', counterpartyPodId: 'pod-a', owedMinutes: 1.5 }]))
      .thenThrows(DomainRuleViolation, /whole minutes/);
  });

  it('carries a debt by a debit of the clearing account and a claim by a credit, so both end at zero', () => {
    expect(carryTransfer({ podId: 'pod-b', counterpartyPodId: 'pod-a', owedMinutes: 90 })).toEqual({
      debit: 'clearing',
      credit: 'settled-clearing',
      minutes: 90,
    });
    expect(carryTransfer({ podId: 'pod-a', counterpartyPodId: 'pod-b', owedMinutes: -90 })).toEqual({
      debit: 'settled-clearing',
      credit: 'clearing',
      minutes: 90,
    });
  });
});
