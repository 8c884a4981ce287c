import {
  BudgetExceededV1,
  ContributionRecordedV1,
  DisbursementApprovedV1,
  DisbursementPaidV1,
  DisbursementPayoutFailedV1,
  DisbursementPayoutReversedV1,
  DisbursementProposedV1,
  DisbursementRejectedV1,
  TransferPostedV1,
} from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { ContributionEvent } from './domain/contribution.decider';
import type { DisbursementEvent } from './domain/disbursement.decider';
import type { PayoutEvent } from './domain/payout.decider';
import type { TransferEvent } from './domain/transfer.decider';
import { publishedAccountKind, publishedTransferKind } from './domain/ledger.types';

/** Which funds events other services hear about, as which contract: internal fields (reasons, budgets) stay here. */
export const publishFundsEvent = definePublication<TransferEvent | DisbursementEvent | PayoutEvent | ContributionEvent>({
  TransferPosted: (event) => {
    const { sourceId: _sourceId, category: _category, kind, debitAccountKind, creditAccountKind, ...data } = event.data;
    return {
      contract: TransferPostedV1,
      data: {
        ...data,
        kind: publishedTransferKind(kind),
        debitAccountKind: publishedAccountKind(debitAccountKind),
        creditAccountKind: publishedAccountKind(creditAccountKind),
      },
    };
  },
  DisbursementProposed: (event) => {
    const { reasonTextId: _reason, emergency: _emergency, month: _month, budgetMinor: _budget, committedMinor: _committed, ...data } = event.data;
    return { contract: DisbursementProposedV1, data };
  },
  DisbursementApproved: (event) => ({ contract: DisbursementApprovedV1, data: event.data }),
  DisbursementRejected: (event) => {
    const { reasonTextId: _reason, ...data } = event.data;
    return { contract: DisbursementRejectedV1, data };
  },
  DisbursementPaid: (event) => ({ contract: DisbursementPaidV1, data: event.data }),
  // Recorded and confirmed payouts are published as disbursement-paid; their references and proofs stay in funds.
  PayoutFailed: (event) => ({ contract: DisbursementPayoutFailedV1, data: event.data }),
  PayoutReversed: (event) => ({ contract: DisbursementPayoutReversedV1, data: event.data }),
  BudgetExceeded: (event) => ({ contract: BudgetExceededV1, data: event.data }),
  ContributionRecorded: (event) => {
    const d = event.data;
    return {
      contract: ContributionRecordedV1,
      data: {
        contributionId: d.contributionId,
        podId: d.podId,
        currency: d.currency,
        amountMinor: d.amountMinor,
        feeMinor: d.feeMinor,
        sourceKind: d.sourceKind,
        method: d.method,
        anonymous: d.anonymous,
        transferId: d.transferId,
        feeTransferId: d.feeTransferId,
        recordedAt: d.recordedAt,
      },
    };
  },
});
