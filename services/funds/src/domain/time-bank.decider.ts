import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * Time credits for one fulfilment: an hour is an hour, whatever the skill. The helper's time account is credited and
 * the requester's debited by the same minutes. When helper and requester live in different pods the minutes pass
 * through the two pods' clearing accounts: requester → clearing(toward helper's pod) in the requester's pod, and
 * clearing(toward requester's pod) → helper in the helper's pod. Each leg is one ledger transfer.
 */
export interface TimeLeg {
  /** Stable within the fulfilment; the transfer id derives from it, so a redelivery posts nothing twice. */
  readonly legKey: string;
  readonly podId: string;
  readonly minutes: number;
  readonly debit: TimeAccountRef;
  readonly credit: TimeAccountRef;
  readonly kind: 'time-exchange' | 'clearing';
}

export type TimeAccountRef = { kind: 'member-time'; memberId: string } | { kind: 'clearing'; counterpartyPodId: string };

export interface HelperContribution {
  readonly helperMemberId: string;
  /** Where the helper is a member: the request's pod unless the match crossed pods. */
  readonly helperPodId: string;
  readonly minutes: number;
}

export type FulfilmentState =
  | { status: 'none' }
  | { status: 'credited'; requestId: string; podId: string; legs: readonly TimeLeg[] }
  | { status: 'reversed'; requestId: string; podId: string; legs: readonly TimeLeg[] };

export type CreditFulfilment = Command<
  'CreditFulfilment',
  { fulfilmentId: string; requestId: string; podId: string; requesterMemberId: string; contributions: readonly HelperContribution[] }
>;
export type ReverseFulfilment = Command<'ReverseFulfilment', { fulfilmentId: string }>;
export type FulfilmentCommand = CreditFulfilment | ReverseFulfilment;

export type FulfilmentCredited = DomainEvent<'FulfilmentCredited', { fulfilmentId: string; requestId: string; podId: string; legs: TimeLeg[] }>;
export type FulfilmentReversed = DomainEvent<'FulfilmentReversed', { fulfilmentId: string; requestId: string; podId: string; legs: TimeLeg[] }>;
export type FulfilmentEvent = FulfilmentCredited | FulfilmentReversed;

/** The transfers a fulfilment posts; a helper listed twice is credited for both contributions in one leg. */
export function timeLegs(podId: string, requesterMemberId: string, contributions: readonly HelperContribution[]): TimeLeg[] {
  const byHelper = new Map<string, HelperContribution>();
  for (const contribution of contributions) {
    if (!Number.isInteger(contribution.minutes) || contribution.minutes < 0) {
      throw new DomainRuleViolation('FRACTIONAL_MINOR_UNIT', 'Hours are credited in whole minutes', 'minutes');
    }
    const seen = byHelper.get(contribution.helperMemberId);
    byHelper.set(contribution.helperMemberId, seen ? { ...seen, minutes: seen.minutes + contribution.minutes } : contribution);
  }
  const legs: TimeLeg[] = [];
  for (const { helperMemberId, helperPodId, minutes } of byHelper.values()) {
    // Helping yourself earns nothing, and zero minutes move nothing.
    if (minutes === 0 || (helperMemberId === requesterMemberId && helperPodId === podId)) continue;
    const requester: TimeAccountRef = { kind: 'member-time', memberId: requesterMemberId };
    const helper: TimeAccountRef = { kind: 'member-time', memberId: helperMemberId };
    if (helperPodId === podId) {
      legs.push({ legKey: `${helperMemberId}:exchange`, podId, minutes, debit: requester, credit: helper, kind: 'time-exchange' });
    } else {
      legs.push({
        legKey: `${helperMemberId}:requester-side`,
        podId,
        minutes,
        debit: requester,
        credit: { kind: 'clearing', counterpartyPodId: helperPodId },
        kind: 'clearing',
      });
      legs.push({
        legKey: `${helperMemberId}:helper-side`,
        podId: helperPodId,
        minutes,
        debit: { kind: 'clearing', counterpartyPodId: podId },
        credit: helper,
        kind: 'clearing',
      });
    }
  }
  return legs;
}

export const fulfilmentDecider: Decider<FulfilmentState, FulfilmentCommand, FulfilmentEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'CreditFulfilment': {
        // The same fulfilment delivered again credits nothing more.
        if (state.status !== 'none') return [];
        const { fulfilmentId, requestId, podId, requesterMemberId, contributions } = command.data;
        const legs = timeLegs(podId, requesterMemberId, contributions);
        return [{ type: 'FulfilmentCredited', data: { fulfilmentId, requestId, podId, legs }, metadata }];
      }
      case 'ReverseFulfilment':
        if (state.status === 'reversed') return [];
        if (state.status === 'none') throw new DomainRuleViolation('NOT_CREDITED', 'This fulfilment was never credited', 'fulfilmentId');
        return [
          {
            type: 'FulfilmentReversed',
            data: { fulfilmentId: command.data.fulfilmentId, requestId: state.requestId, podId: state.podId, legs: [...state.legs] },
            metadata,
          },
        ];
      default:
        return assertNever(command, 'fulfilment command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'FulfilmentCredited':
        return { status: 'credited', requestId: event.data.requestId, podId: event.data.podId, legs: event.data.legs };
      case 'FulfilmentReversed':
        return state.status === 'none' ? state : { ...state, status: 'reversed' };
      default:
        return assertNever(event, 'fulfilment event');
    }
  },
};

/** Whether a member may be granted `minutes` from the pod's community pool (the pod's rule: granted by a coordinator or treasurer, up to the pod's limit per grant). */
export function checkPoolGrant(minutes: number, grantorMayGrant: boolean, poolGrantMaxMinutes: number): void {
  if (!grantorMayGrant) throw new DomainRuleViolation('NOT_A_TREASURER', 'Only coordinators and treasurers grant hours from the community pool');
  if (minutes > poolGrantMaxMinutes) {
    throw new DomainRuleViolation('POOL_GRANT_TOO_LARGE', `The pod grants at most ${poolGrantMaxMinutes} minutes at a time`, 'minutes');
  }
}
