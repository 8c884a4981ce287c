import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { timestampField, uuidField } from './field-schemas';
import { REQUEST_CATEGORIES } from './vocabulary';

/**
 * Funds' integration events. Amounts are always integers in the unit's minor unit: cents (or the currency's
 * own minor unit) for money, minutes for time credits. No names and no free text written by members leave funds
 * (reasons stay in funds, where erasing their author deletes them).
 */

/** An ISO 4217 currency code, or HOUR for time credits (amounts in minutes). */
export const ledgerUnitField = () => z.string().regex(/^(HOUR|[A-Z]{3})$/, { message: 'Use an ISO 4217 currency code such as EUR, or HOUR' });

/** A positive whole number of minor units (cents, minutes). */
export const amountMinorField = () => z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const LEDGER_ACCOUNT_KINDS = ['treasury', 'member-time', 'community-time-pool', 'external-source', 'external-sink', 'fees', 'clearing'] as const;
export type LedgerAccountKind = (typeof LEDGER_ACCOUNT_KINDS)[number];

/** Why money or time moved. */
export const TRANSFER_KINDS = ['contribution', 'processor-fee', 'disbursement', 'time-exchange', 'time-gift', 'pool-grant', 'clearing', 'reversal'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** Budget and disbursement categories: the request categories plus the costs of running the pod. */
export const DISBURSEMENT_CATEGORIES = [...REQUEST_CATEGORIES, 'administration'] as const;
export type DisbursementCategory = (typeof DISBURSEMENT_CATEGORIES)[number];

/** How a proposal gets (or got) its approval. */
export const APPROVAL_ROUTES = ['auto-approved', 'treasurer-approvals', 'pod-decision'] as const;
export type ApprovalRoute = (typeof APPROVAL_ROUTES)[number];

export const CONTRIBUTION_SOURCE_KINDS = ['individual', 'organisation', 'grant', 'event', 'other'] as const;
export type ContributionSourceKind = (typeof CONTRIBUTION_SOURCE_KINDS)[number];

export const CONTRIBUTION_METHODS = ['card', 'bank-transfer', 'cash', 'other'] as const;
export type ContributionMethod = (typeof CONTRIBUTION_METHODS)[number];

/** How a disbursement was paid: recorded by a treasurer as paid outside the platform, or through the payout processor. */
export const PAYOUT_METHODS = ['bank-transfer', 'cash', 'other', 'processor'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

/** Why a payout did not reach its recipient before money moved (nothing was posted on the ledger). */
export const PAYOUT_FAILURES = ['returned-by-bank', 'wrong-details', 'recipient-unreachable', 'declined-by-processor', 'other'] as const;
export type PayoutFailure = (typeof PAYOUT_FAILURES)[number];

/** Why a payout that moved money was undone (a compensating posting put the money back in the treasury). */
export const PAYOUT_REVERSAL_REASONS = ['returned-by-bank', 'returned-by-recipient', 'recorded-in-error', 'other'] as const;
export type PayoutReversalReason = (typeof PAYOUT_REVERSAL_REASONS)[number];

/** One immutable double-entry transfer: `amountMinor` leaves the debit account and reaches the credit account. */
export const TransferPostedV1 = defineContract({
  service: 'funds',
  name: 'transfer-posted',
  version: 1,
  schema: z.object({
    transferId: uuidField(),
    podId: uuidField(),
    unit: ledgerUnitField(),
    amountMinor: amountMinorField(),
    debitAccountId: uuidField(),
    debitAccountKind: z.enum(LEDGER_ACCOUNT_KINDS),
    creditAccountId: uuidField(),
    creditAccountKind: z.enum(LEDGER_ACCOUNT_KINDS),
    kind: z.enum(TRANSFER_KINDS),
    /** For a reversal: the transfer it undoes (same amount, accounts swapped). */
    reversesTransferId: uuidField().nullable(),
    /** The request it belongs to, for disbursements and time exchanges. */
    requestId: uuidField().nullable(),
    postedAt: timestampField(),
  }),
});
export type TransferPostedV1Data = ContractData<typeof TransferPostedV1>;

/** Someone asked the pod to pay out money; `route` says what approval it needs. Treasurers should look at it. */
export const DisbursementProposedV1 = defineContract({
  service: 'funds',
  name: 'disbursement-proposed',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    requestId: uuidField().nullable(),
    proposedByMemberId: uuidField(),
    recipientMemberId: uuidField().nullable(),
    currency: ledgerUnitField(),
    amountMinor: amountMinorField(),
    category: z.enum(DISBURSEMENT_CATEGORIES),
    route: z.enum(APPROVAL_ROUTES),
    approvalsRequired: z.number().int().min(0),
    /** The proposal would take the category past its monthly budget. */
    overBudget: z.boolean(),
    proposedAt: timestampField(),
  }),
});
export type DisbursementProposedV1Data = ContractData<typeof DisbursementProposedV1>;

/** The proposal may be paid: auto-approved, enough treasurers approved, or the pod decided. */
export const DisbursementApprovedV1 = defineContract({
  service: 'funds',
  name: 'disbursement-approved',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    route: z.enum(APPROVAL_ROUTES),
    approverMemberIds: z.array(uuidField()),
    approvedAt: timestampField(),
  }),
});
export type DisbursementApprovedV1Data = ContractData<typeof DisbursementApprovedV1>;

export const DisbursementRejectedV1 = defineContract({
  service: 'funds',
  name: 'disbursement-rejected',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    rejectedByMemberId: uuidField(),
    rejectedAt: timestampField(),
  }),
});
export type DisbursementRejectedV1Data = ContractData<typeof DisbursementRejectedV1>;

/**
 * The recipient was paid: by the payout processor (its reference), or outside the platform as treasurers recorded and
 * confirmed it (`manual:<method>:attempt-<n>`; their references stay in funds). `transferId` is the ledger transfer
 * out of the treasury. A later reversal is `disbursement-payout-reversed`.
 */
export const DisbursementPaidV1 = defineContract({
  service: 'funds',
  name: 'disbursement-paid',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    requestId: uuidField().nullable(),
    recipientMemberId: uuidField().nullable(),
    currency: ledgerUnitField(),
    amountMinor: amountMinorField(),
    transferId: uuidField(),
    processorReference: z.string().min(1).max(200),
    paidAt: timestampField(),
  }),
});
export type DisbursementPaidV1Data = ContractData<typeof DisbursementPaidV1>;

/** Money came in. The donor's name never leaves funds; `anonymous` says whether it may be shown at all. */
export const ContributionRecordedV1 = defineContract({
  service: 'funds',
  name: 'contribution-recorded',
  version: 1,
  schema: z.object({
    contributionId: uuidField(),
    podId: uuidField(),
    currency: ledgerUnitField(),
    amountMinor: amountMinorField(),
    /** The processor's fee, posted as its own transfer; 0 when there was none. */
    feeMinor: z.number().int().min(0),
    sourceKind: z.enum(CONTRIBUTION_SOURCE_KINDS),
    method: z.enum(CONTRIBUTION_METHODS),
    anonymous: z.boolean(),
    transferId: uuidField(),
    feeTransferId: uuidField().nullable(),
    recordedAt: timestampField(),
  }),
});
export type ContributionRecordedV1Data = ContractData<typeof ContributionRecordedV1>;

/** A proposal takes a category past its monthly budget: tell the pod's treasurers. */
export const BudgetExceededV1 = defineContract({
  service: 'funds',
  name: 'budget-exceeded',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    proposalId: uuidField(),
    category: z.enum(DISBURSEMENT_CATEGORIES),
    /** `YYYY-MM`, in UTC. */
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    currency: ledgerUnitField(),
    budgetMinor: z.number().int().min(0),
    /** Proposed or paid in the category this month, including this proposal. */
    committedMinor: z.number().int().min(0),
    exceededAt: timestampField(),
  }),
});
export type BudgetExceededV1Data = ContractData<typeof BudgetExceededV1>;

/** A recorded payout did not go through before money moved: the proposal is approved and unpaid again. */
export const DisbursementPayoutFailedV1 = defineContract({
  service: 'funds',
  name: 'disbursement-payout-failed',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    attempt: z.number().int().positive(),
    failure: z.enum(PAYOUT_FAILURES),
    recordedByMemberId: uuidField(),
    failedAt: timestampField(),
  }),
});
export type DisbursementPayoutFailedV1Data = ContractData<typeof DisbursementPayoutFailedV1>;

/** A paid disbursement was undone: `reversalTransferId` mirrors `transferId` back into the treasury. */
export const DisbursementPayoutReversedV1 = defineContract({
  service: 'funds',
  name: 'disbursement-payout-reversed',
  version: 1,
  schema: z.object({
    proposalId: uuidField(),
    podId: uuidField(),
    attempt: z.number().int().positive(),
    currency: ledgerUnitField(),
    amountMinor: amountMinorField(),
    transferId: uuidField(),
    reversalTransferId: uuidField(),
    reason: z.enum(PAYOUT_REVERSAL_REASONS),
    reversedByMemberId: uuidField(),
    reversedAt: timestampField(),
  }),
});
export type DisbursementPayoutReversedV1Data = ContractData<typeof DisbursementPayoutReversedV1>;

export const FUNDS_CONTRACTS = [
  TransferPostedV1,
  DisbursementProposedV1,
  DisbursementApprovedV1,
  DisbursementRejectedV1,
  DisbursementPaidV1,
  DisbursementPayoutFailedV1,
  DisbursementPayoutReversedV1,
  ContributionRecordedV1,
  BudgetExceededV1,
] as const;
