import { DomainRuleViolation, spec } from '@mutuo/domain';
import { checkPoolGrant, fulfilmentDecider, timeLegs, type CreditFulfilment, type FulfilmentEvent } from './time-bank.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'system:funds', podId: 'pod-b' };
const eventMetadata = { occurredAt: now, actorId: 'system:funds', podId: 'pod-b' };
const credit = (contributions: CreditFulfilment['data']['contributions']): CreditFulfilment => ({
  type: 'CreditFulfilment',
  data: { fulfilmentId: 'f-1', requestId: 'req-1', podId: 'pod-b', requesterMemberId: 'rita', contributions },
  metadata,
});

describe('time credits for a fulfilment', () => {
  it('given help inside the pod, when the fulfilment is credited, then the requester pays the helper the same minutes', () => {
    const legs = timeLegs('pod-b', 'rita', [{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]);
    expect(legs).toEqual([
      {
        legKey: 'hugo:exchange',
        podId: 'pod-b',
        minutes: 90,
        debit: { kind: 'member-time', memberId: 'rita' },
        credit: { kind: 'member-time', memberId: 'hugo' },
        kind: 'time-exchange',
      },
    ]);
    spec(fulfilmentDecider)
      .given([])
      .when(credit([{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]))
      .then([{ type: 'FulfilmentCredited', data: { fulfilmentId: 'f-1', requestId: 'req-1', podId: 'pod-b', legs }, metadata: eventMetadata }]);
  });

  it("given a helper from another pod, then the minutes pass through both pods' clearing accounts", () => {
    expect(timeLegs('pod-b', 'rita', [{ helperMemberId: 'hugo', helperPodId: 'pod-a', minutes: 60 }])).toEqual([
      {
        legKey: 'hugo:requester-side',
        podId: 'pod-b',
        minutes: 60,
        debit: { kind: 'member-time', memberId: 'rita' },
        credit: { kind: 'clearing', counterpartyPodId: 'pod-a' },
        kind: 'clearing',
      },
      {
        legKey: 'hugo:helper-side',
        podId: 'pod-a',
        minutes: 60,
        debit: { kind: 'clearing', counterpartyPodId: 'pod-b' },
        credit: { kind: 'member-time', memberId: 'hugo' },
        kind: 'clearing',
      },
    ]);
  });

  it('given the fulfilment was credited, when it is delivered again, then nothing is credited twice', () => {
    const [credited] = spec(fulfilmentDecider)
      .given([])
      .when(credit([{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]))
      .then([
        {
          type: 'FulfilmentCredited',
          data: {
            fulfilmentId: 'f-1',
            requestId: 'req-1',
            podId: 'pod-b',
            legs: timeLegs('pod-b', 'rita', [{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]),
          },
          metadata: eventMetadata,
        },
      ]);
    spec(fulfilmentDecider)
      .given([credited!])
      .when(credit([{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]))
      .then([]);
  });

  it('given a credited fulfilment, when it is undone, then all its legs are reversed, once', () => {
    const legs = timeLegs('pod-b', 'rita', [{ helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 90 }]);
    const credited: FulfilmentEvent = {
      type: 'FulfilmentCredited',
      data: { fulfilmentId: 'f-1', requestId: 'req-1', podId: 'pod-b', legs },
      metadata: eventMetadata,
    };
    const reverse = { type: 'ReverseFulfilment' as const, data: { fulfilmentId: 'f-1' }, metadata };
    const reversed: FulfilmentEvent = {
      type: 'FulfilmentReversed',
      data: { fulfilmentId: 'f-1', requestId: 'req-1', podId: 'pod-b', legs },
      metadata: eventMetadata,
    };
    spec(fulfilmentDecider).given([credited]).when(reverse).then([reversed]);
    spec(fulfilmentDecider).given([credited, reversed]).when(reverse).then([]);
    spec(fulfilmentDecider)
      .given([])
      .when(reverse)
      .thenThrows(DomainRuleViolation, /never credited/);
  });

  it('credits nobody for helping themselves or for zero minutes, and adds up a helper listed twice', () => {
    expect(
      timeLegs('pod-b', 'rita', [
        { helperMemberId: 'rita', helperPodId: 'pod-b', minutes: 30 },
        { helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 0 },
      ]),
    ).toEqual([]);
    expect(
      timeLegs('pod-b', 'rita', [
        { helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 30 },
        { helperMemberId: 'hugo', helperPodId: 'pod-b', minutes: 15 },
      ])[0]!.minutes,
    ).toBe(45);
  });
});

describe('pool grants', () => {
  it('are given by coordinators or treasurers, up to the pod limit per grant', () => {
    expect(() => checkPoolGrant(120, true, 600)).not.toThrow();
    expect(() => checkPoolGrant(120, false, 600)).toThrow(expect.objectContaining({ code: 'NOT_A_TREASURER' }));
    expect(() => checkPoolGrant(601, true, 600)).toThrow(expect.objectContaining({ code: 'POOL_GRANT_TOO_LARGE', field: 'minutes' }));
  });
});
