import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { AccountSnapshot, PostedTransfer, TransferDetails } from './ledger.types';
import { checkAmountMinor, checkUnit, isMoney } from './money';

/**
 * One transfer's stream. The transfer id is the stream, so the event store's unique (stream, position) key makes a
 * second posting under the same id impossible, even between concurrent requests. The accounts arrive locked in the
 * command (their balances cannot move until the decision commits); the database checks the same rules again.
 */
export type TransferState = { status: 'none' } | { status: 'posted'; transfer: PostedTransfer; reversedByTransferId: string | null };

export type PostTransfer = Command<'PostTransfer', { transfer: TransferDetails; debitAccount: AccountSnapshot | null; creditAccount: AccountSnapshot | null }>;
/** Posts, under a new id, the mirror of `original`: same amount, accounts swapped. */
export type ReverseTransfer = Command<
  'ReverseTransfer',
  {
    reversalTransferId: string;
    original: PostedTransfer | null;
    originalReversedBy: string | null;
    debitAccount: AccountSnapshot | null;
    creditAccount: AccountSnapshot | null;
  }
>;
/** Marks the original as reversed, on the original's stream: a second, different reversal loses the race here. */
export type MarkTransferReversed = Command<'MarkTransferReversed', { transferId: string; reversalTransferId: string }>;
export type TransferCommand = PostTransfer | ReverseTransfer | MarkTransferReversed;

export type TransferPosted = DomainEvent<'TransferPosted', PostedTransfer>;
export type TransferReversed = DomainEvent<'TransferReversed', { transferId: string; reversalTransferId: string; reversedAt: string }>;
export type TransferEvent = TransferPosted | TransferReversed;

const SAME_DETAILS: readonly (keyof TransferDetails)[] = [
  'podId',
  'unit',
  'amountMinor',
  'debitAccountId',
  'creditAccountId',
  'kind',
  'reversesTransferId',
  'requestId',
];

export function sameTransfer(a: TransferDetails, b: TransferDetails): boolean {
  return SAME_DETAILS.every((key) => a[key] === b[key]);
}

/** The rules every transfer obeys, whatever it is for. Throws the first one broken. */
export function checkTransfer(transfer: TransferDetails, debit: AccountSnapshot | null, credit: AccountSnapshot | null): void {
  checkAmountMinor(transfer.amountMinor, 'amountMinor');
  checkUnit(transfer.unit, 'unit');
  if (!debit) throw new DomainRuleViolation('ACCOUNT_NOT_FOUND', 'The account to debit does not exist', 'debitAccountId');
  if (!credit) throw new DomainRuleViolation('ACCOUNT_NOT_FOUND', 'The account to credit does not exist', 'creditAccountId');
  if (debit.accountId === credit.accountId) {
    throw new DomainRuleViolation('SAME_ACCOUNT', 'A transfer moves between two different accounts', 'creditAccountId');
  }
  for (const [account, field] of [
    [debit, 'debitAccountId'],
    [credit, 'creditAccountId'],
  ] as const) {
    if (account.unit !== transfer.unit) {
      throw new DomainRuleViolation('UNIT_MISMATCH', `The account is kept in ${account.unit}, the transfer is in ${transfer.unit}`, 'unit');
    }
    if (account.podId !== transfer.podId) {
      throw new DomainRuleViolation('ACCOUNT_IN_OTHER_POD', 'Both accounts must belong to the pod of the transfer (use clearing accounts between pods)', field);
    }
  }
  if (debit.floorMinor !== null && debit.balanceMinor - transfer.amountMinor < debit.floorMinor) {
    if (isMoney(transfer.unit)) throw new DomainRuleViolation('INSUFFICIENT_FUNDS', 'The account does not hold enough to pay this', 'amountMinor');
    throw debit.kind === 'member-time'
      ? new DomainRuleViolation('CREDIT_LIMIT_REACHED', 'This would take the time account past its credit limit', 'amountMinor')
      : new DomainRuleViolation('INSUFFICIENT_HOURS', 'The account does not hold that many hours', 'amountMinor');
  }
  if (!Number.isSafeInteger(credit.balanceMinor + transfer.amountMinor)) {
    throw new DomainRuleViolation('AMOUNT_TOO_LARGE', 'The credited balance would be too large', 'amountMinor');
  }
}

function posted(transfer: TransferDetails, debit: AccountSnapshot, credit: AccountSnapshot, command: Command): TransferPosted {
  return {
    type: 'TransferPosted',
    data: { ...transfer, debitAccountKind: debit.kind, creditAccountKind: credit.kind, postedAt: command.metadata.now },
    metadata: eventMetadataFrom(command.metadata),
  };
}

export const transferDecider: Decider<TransferState, TransferCommand, TransferEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'PostTransfer': {
        const { transfer, debitAccount, creditAccount } = command.data;
        if (state.status === 'posted') {
          // Resubmitting the same transfer returns the original; the id never names two different transfers.
          if (sameTransfer(state.transfer, transfer)) return [];
          throw new DomainRuleViolation('TRANSFER_ID_REUSED', 'This transfer id was already used for a different transfer', 'transferId');
        }
        if (transfer.kind === 'reversal' || transfer.reversesTransferId !== null) {
          throw new DomainRuleViolation('USE_REVERSE_TRANSFER', 'Reversals are posted by reversing the original transfer', 'kind');
        }
        checkTransfer(transfer, debitAccount, creditAccount);
        return [posted(transfer, debitAccount!, creditAccount!, command)];
      }
      case 'ReverseTransfer': {
        const { reversalTransferId, original, originalReversedBy, debitAccount, creditAccount } = command.data;
        if (state.status === 'posted') {
          if (original && state.transfer.reversesTransferId === original.transferId) return [];
          throw new DomainRuleViolation('TRANSFER_ID_REUSED', 'This transfer id was already used for a different transfer', 'reversalTransferId');
        }
        if (!original) throw new DomainRuleViolation('TRANSFER_NOT_FOUND', 'There is no such transfer to reverse', 'transferId');
        if (original.kind === 'reversal') {
          throw new DomainRuleViolation('REVERSAL_NOT_REVERSIBLE', 'A reversal cannot be reversed: post a new transfer instead', 'transferId');
        }
        if (originalReversedBy !== null && originalReversedBy !== reversalTransferId) {
          throw new DomainRuleViolation('ALREADY_REVERSED', 'This transfer was already reversed', 'transferId');
        }
        const reversal: TransferDetails = {
          transferId: reversalTransferId,
          podId: original.podId,
          unit: original.unit,
          amountMinor: original.amountMinor,
          debitAccountId: original.creditAccountId,
          creditAccountId: original.debitAccountId,
          kind: 'reversal',
          reversesTransferId: original.transferId,
          requestId: original.requestId,
          sourceId: original.sourceId,
          category: original.category,
        };
        checkTransfer(reversal, debitAccount, creditAccount);
        return [posted(reversal, debitAccount!, creditAccount!, command)];
      }
      case 'MarkTransferReversed': {
        if (state.status !== 'posted') throw new DomainRuleViolation('TRANSFER_NOT_FOUND', 'There is no such transfer to reverse', 'transferId');
        if (state.reversedByTransferId === command.data.reversalTransferId) return [];
        if (state.reversedByTransferId !== null) throw new DomainRuleViolation('ALREADY_REVERSED', 'This transfer was already reversed', 'transferId');
        return [
          {
            type: 'TransferReversed',
            data: { transferId: state.transfer.transferId, reversalTransferId: command.data.reversalTransferId, reversedAt: command.metadata.now },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command, 'transfer command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'TransferPosted':
        return { status: 'posted', transfer: event.data, reversedByTransferId: null };
      case 'TransferReversed':
        return state.status === 'posted' ? { ...state, reversedByTransferId: event.data.reversalTransferId } : state;
      default:
        return assertNever(event, 'transfer event');
    }
  },
};
