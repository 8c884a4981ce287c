import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * A pod left its region: its clearing with the pods of that region closes. Rule: every non-zero clearing account
 * between the pod that left and a pod of the old region, on both sides, is carried whole to that pod's
 * `settled-clearing` account toward the same counterparty, by one transfer in that pod. The live clearing accounts
 * end at zero (the region's position no longer counts the pod, and still sums to zero), each pod's books stay
 * balanced (each carry is a transfer inside one pod), and what was owed at the departure stays on both ledgers, as an
 * explicit posting, for the pods to settle between them. One closure per departure: hearing of it again closes nothing.
 */

/** One pod's clearing account toward another, as read (locked) when the closure is decided. */
export interface ClearingBalance {
  readonly podId: string;
  readonly counterpartyPodId: string;
  /** Positive: `podId` owes the counterparty these minutes. */
  readonly owedMinutes: number;
}

export type ClearingClosureState = { status: 'open' } | { status: 'closed'; leftPodId: string; regionId: string; carried: readonly ClearingBalance[] };

export type CloseClearing = Command<'CloseClearing', { readonly leftPodId: string; readonly regionId: string; readonly balances: readonly ClearingBalance[] }>;
export type ClearingClosureCommand = CloseClearing;

export type ClearingClosed = DomainEvent<'ClearingClosed', { leftPodId: string; regionId: string; carried: ClearingBalance[]; closedAt: string }>;
export type ClearingClosureEvent = ClearingClosed;

export const clearingClosureDecider: Decider<ClearingClosureState, ClearingClosureCommand, ClearingClosureEvent> = {
  initialState: () => ({ status: 'open' }),

  decide(command, state) {
    switch (command.type) {
      case 'CloseClearing': {
        if (state.status === 'closed') return [];
        const { leftPodId, regionId, balances } = command.data;
        for (const balance of balances) {
          if (!Number.isSafeInteger(balance.owedMinutes)) {
            throw new DomainRuleViolation('FRACTIONAL_MINOR_UNIT', 'Clearing balances are whole minutes', 'balances');
          }
          if ((balance.podId === leftPodId) === (balance.counterpartyPodId === leftPodId)) {
            throw new DomainRuleViolation('NOT_ACROSS_DEPARTURE', 'Only clearing between the pod that left and another pod closes', 'balances');
          }
        }
        const carried = balances
          .filter((balance) => balance.owedMinutes !== 0)
          .map(({ podId, counterpartyPodId, owedMinutes }) => ({ podId, counterpartyPodId, owedMinutes }))
          .sort((a, b) => a.podId.localeCompare(b.podId) || a.counterpartyPodId.localeCompare(b.counterpartyPodId));
        return [
          { type: 'ClearingClosed', data: { leftPodId, regionId, carried, closedAt: command.metadata.now }, metadata: eventMetadataFrom(command.metadata) },
        ];
      }
      default:
        return assertNever(command.type, 'clearing closure command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ClearingClosed':
        return { status: 'closed', leftPodId: event.data.leftPodId, regionId: event.data.regionId, carried: event.data.carried };
      default:
        return assertNever(event.type, 'clearing closure event');
    }
  },
};

type ClearingSide = 'clearing' | 'settled-clearing';

/** The transfer that carries one balance to the settled account: it empties the clearing account, whatever its sign. */
export function carryTransfer(balance: ClearingBalance): { debit: ClearingSide; credit: ClearingSide; minutes: number } {
  // Balance = credits − debits: a positive balance leaves the clearing account by a debit, a negative one by a credit.
  return balance.owedMinutes > 0
    ? { debit: 'clearing', credit: 'settled-clearing', minutes: balance.owedMinutes }
    : { debit: 'settled-clearing', credit: 'clearing', minutes: -balance.owedMinutes };
}
