import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { LedgerAccountKind } from './ledger.types';
import { HOUR, checkUnit } from './money';

/** What an account is: fixed when it is opened. Its balance lives in the transfers, not here. */
export interface LedgerAccount {
  readonly accountId: string;
  readonly podId: string;
  readonly kind: LedgerAccountKind;
  readonly unit: string;
  /** Lowest balance allowed; null for accounts that stand for the outside world or another pod. */
  readonly floorMinor: number | null;
  /** The member a time account belongs to. */
  readonly memberId: string | null;
  /** The other pod, for a clearing account. */
  readonly counterpartyPodId: string | null;
}

export type LedgerAccountState = { status: 'none' } | { status: 'open'; account: LedgerAccount };

export type OpenLedgerAccount = Command<'OpenLedgerAccount', LedgerAccount>;
export type LedgerAccountCommand = OpenLedgerAccount;

export type LedgerAccountOpened = DomainEvent<'LedgerAccountOpened', LedgerAccount & { openedAt: string }>;
export type LedgerAccountEvent = LedgerAccountOpened;

/** Which kinds may go below zero, and which are kept in which units. */
function checkShape(account: LedgerAccount): void {
  checkUnit(account.unit);
  const timeKinds: LedgerAccountKind[] = ['member-time', 'community-time-pool'];
  const moneyKinds: LedgerAccountKind[] = ['treasury', 'fees', 'external-source', 'external-sink'];
  if (timeKinds.includes(account.kind) && account.unit !== HOUR) {
    throw new DomainRuleViolation('UNIT_MISMATCH', `A ${account.kind} account is kept in HOUR`, 'unit');
  }
  if (moneyKinds.includes(account.kind) && account.unit === HOUR) {
    throw new DomainRuleViolation('UNIT_MISMATCH', `A ${account.kind} account is kept in a currency`, 'unit');
  }
  const unbounded: LedgerAccountKind[] = ['external-source', 'clearing', 'settled-clearing'];
  if (unbounded.includes(account.kind) !== (account.floorMinor === null)) {
    throw new DomainRuleViolation('INVALID_FLOOR', 'Only external sources and clearing accounts have no floor', 'floorMinor');
  }
  if (account.floorMinor !== null) {
    if (!Number.isSafeInteger(account.floorMinor))
      throw new DomainRuleViolation('FRACTIONAL_MINOR_UNIT', 'The floor is a whole number of minor units', 'floorMinor');
    // Money never goes below zero; only members' time accounts may run a (pod-set) credit.
    if (account.kind !== 'member-time' && account.floorMinor !== 0) {
      throw new DomainRuleViolation('INVALID_FLOOR', 'Only a member time account may have a credit limit below zero', 'floorMinor');
    }
    if (account.floorMinor > 0) throw new DomainRuleViolation('INVALID_FLOOR', 'A floor above zero would lock the account', 'floorMinor');
  }
  if ((account.kind === 'member-time') !== (account.memberId !== null)) {
    throw new DomainRuleViolation('INVALID_ACCOUNT', 'Member time accounts, and only they, name their member', 'memberId');
  }
  const betweenPods = account.kind === 'clearing' || account.kind === 'settled-clearing';
  if (betweenPods !== (account.counterpartyPodId !== null)) {
    throw new DomainRuleViolation('INVALID_ACCOUNT', 'Clearing accounts, and only they, name the other pod', 'counterpartyPodId');
  }
  if (betweenPods && account.unit !== HOUR) throw new DomainRuleViolation('UNIT_MISMATCH', `A ${account.kind} account is kept in HOUR`, 'unit');
  if (account.counterpartyPodId === account.podId) {
    throw new DomainRuleViolation('INVALID_ACCOUNT', 'A pod does not clear with itself', 'counterpartyPodId');
  }
}

export const ledgerAccountDecider: Decider<LedgerAccountState, LedgerAccountCommand, LedgerAccountEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenLedgerAccount':
        // Account ids derive from what the account is for, so opening one twice opens it once.
        if (state.status === 'open') return [];
        checkShape(command.data);
        return [{ type: 'LedgerAccountOpened', data: { ...command.data, openedAt: command.metadata.now }, metadata: eventMetadataFrom(command.metadata) }];
      default:
        return assertNever(command.type, 'ledger account command');
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'LedgerAccountOpened': {
        const { openedAt: _openedAt, ...account } = event.data;
        return { status: 'open', account };
      }
      default:
        return assertNever(event.type, 'ledger account event');
    }
  },
};
