import { toGraphQLEnum } from '@mutuo/service-kit';
import type { PayoutState } from '../../domain/payout.decider';
import { iso, memberRef, type MemberRef } from '../../shared/funds-views';

/** The `disbursement_payouts` columns the proposal queries join in (null when no payout was recorded). */
export interface PayoutColumns {
  payout_status: string | null;
  payout_attempt: number | null;
  payout_method: string | null;
  payout_external_reference: string | null;
  payout_proof_sha256: string | null;
  payout_proof_reference: string | null;
  payout_paid_at: Date | string | null;
  payout_recorded_by_member_id: string | null;
  payout_confirmations_required: number | null;
  payout_confirmed_by_member_ids: string[] | null;
  payout_transfer_id: string | null;
  payout_last_failure: string | null;
  payout_reversal_transfer_id: string | null;
  payout_reversal_reason: string | null;
}

export const PAYOUT_COLUMNS = `po.status as payout_status, po.attempt as payout_attempt, po.method as payout_method,
  po.external_reference as payout_external_reference, po.proof_sha256 as payout_proof_sha256, po.proof_reference as payout_proof_reference,
  po.paid_at as payout_paid_at, po.recorded_by_member_id as payout_recorded_by_member_id,
  po.confirmations_required as payout_confirmations_required, po.confirmed_by_member_ids as payout_confirmed_by_member_ids,
  po.transfer_id as payout_transfer_id, po.last_failure as payout_last_failure, po.reversal_transfer_id as payout_reversal_transfer_id,
  po.reversal_reason as payout_reversal_reason`;

export interface PayoutView {
  proposalId: string;
  status: string;
  attempt: number;
  method: string | null;
  externalReference: string | null;
  proofSha256: string | null;
  proofReference: string | null;
  paidAt: string | null;
  recordedBy: MemberRef | null;
  confirmationsRequired: number | null;
  confirmedBy: MemberRef[];
  transferId: string | null;
  lastFailure: string | null;
  reversalTransferId: string | null;
  reversalReason: string | null;
}

const enumOrNull = (value: string | null | undefined) => (value ? toGraphQLEnum(value) : null);

export function payoutFromRow(proposalId: string, row: PayoutColumns, former: ReadonlySet<string>): PayoutView | null {
  if (row.payout_status === null) return null;
  return {
    proposalId,
    status: toGraphQLEnum(row.payout_status),
    attempt: row.payout_attempt ?? 0,
    method: enumOrNull(row.payout_method),
    externalReference: row.payout_external_reference,
    proofSha256: row.payout_proof_sha256,
    proofReference: row.payout_proof_reference,
    paidAt: row.payout_paid_at ? iso(row.payout_paid_at) : null,
    recordedBy: row.payout_recorded_by_member_id ? memberRef(row.payout_recorded_by_member_id, former) : null,
    confirmationsRequired: row.payout_confirmations_required,
    confirmedBy: (row.payout_confirmed_by_member_ids ?? []).map((id) => memberRef(id, former)),
    transferId: row.payout_transfer_id,
    lastFailure: enumOrNull(row.payout_last_failure),
    reversalTransferId: row.payout_reversal_transfer_id,
    reversalReason: enumOrNull(row.payout_reversal_reason),
  };
}

/** The payout as a command left it (the read model may not have caught up yet). */
export function payoutFromState(proposalId: string, state: PayoutState, former: ReadonlySet<string>): PayoutView | null {
  if (state.status === 'unpaid' && state.attempts === 0) return null;
  const record = state.status === 'unpaid' ? null : state.record;
  const confirmed = state.status === 'paid' || state.status === 'reversed' ? state : null;
  return {
    proposalId,
    status: toGraphQLEnum(state.status),
    attempt: state.attempts,
    method: enumOrNull(record?.method),
    externalReference: record?.externalReference ?? null,
    proofSha256: record?.proofSha256 ?? null,
    proofReference: record?.proofReference ?? null,
    paidAt: record?.paidAt ?? null,
    recordedBy: record ? memberRef(record.recordedByMemberId, former) : null,
    confirmationsRequired: record?.confirmationsRequired ?? null,
    confirmedBy: (confirmed?.confirmedByMemberIds ?? []).map((id) => memberRef(id, former)),
    transferId: confirmed?.transferId ?? null,
    lastFailure: enumOrNull(state.lastFailure?.failure),
    reversalTransferId: state.status === 'reversed' ? state.reversalTransferId : null,
    reversalReason: state.status === 'reversed' ? toGraphQLEnum(state.reason) : null,
  };
}
