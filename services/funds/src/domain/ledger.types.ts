import type { LedgerAccountKind as PublishedAccountKind, TransferKind as PublishedTransferKind } from '@mutuo/contracts';

/**
 * Funds' own kinds: those of `funds.transfer-posted.v1` and, kept inside funds, the clearing positions a pod closed
 * when it left a region (`settled-clearing`, moved there by `clearing-settlement` transfers). They are published as
 * the clearing accounts and transfers they are, so the contract's readers still see every minute move.
 */
export type LedgerAccountKind = PublishedAccountKind | 'settled-clearing';
export type TransferKind = PublishedTransferKind | 'clearing-settlement';

export const publishedAccountKind = (kind: LedgerAccountKind): PublishedAccountKind => (kind === 'settled-clearing' ? 'clearing' : kind);
export const publishedTransferKind = (kind: TransferKind): PublishedTransferKind => (kind === 'clearing-settlement' ? 'clearing' : kind);

/** An account as a decision sees it: locked, so its balance cannot change until the decision commits. */
export interface AccountSnapshot {
  readonly accountId: string;
  readonly podId: string;
  readonly kind: LedgerAccountKind;
  readonly unit: string;
  /** Lowest balance allowed; null for accounts that stand for the outside world (sources, clearing). */
  readonly floorMinor: number | null;
  readonly balanceMinor: number;
}

/** What a transfer says; with the same id, the same details are the same transfer. */
export interface TransferDetails {
  readonly transferId: string;
  readonly podId: string;
  readonly unit: string;
  readonly amountMinor: number;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly kind: TransferKind;
  readonly reversesTransferId: string | null;
  readonly requestId: string | null;
  /** The contribution, proposal or fulfilment it belongs to. */
  readonly sourceId: string | null;
  /** Disbursement category, for reports. */
  readonly category: string | null;
}

export interface PostedTransfer extends TransferDetails {
  readonly debitAccountKind: LedgerAccountKind;
  readonly creditAccountKind: LedgerAccountKind;
  readonly postedAt: string;
}
