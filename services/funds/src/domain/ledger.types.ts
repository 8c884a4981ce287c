import type { LedgerAccountKind, TransferKind } from '@mutuo/contracts';

export type { LedgerAccountKind, TransferKind };

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
