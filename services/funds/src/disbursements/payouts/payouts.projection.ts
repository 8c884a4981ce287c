import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { PayoutEvent } from '../../domain/payout.decider';

/** One row per proposal with a payout: the latest attempt, its last failure and its reversal. */
export const payoutsProjection = defineProjection<PayoutEvent>({
  name: 'disbursement-payouts',
  eventTypes: ['PayoutRecorded', 'PayoutConfirmed', 'PayoutFailed', 'PayoutReversed'],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'PayoutRecorded': {
        const d = event.data;
        await query(
          em,
          `insert into disbursement_payouts (proposal_id, pod_id, status, attempt, method, external_reference, proof_sha256, proof_reference, paid_at,
             recorded_by_member_id, recorded_at, confirmations_required, updated_at)
           values (?, ?, 'awaiting-confirmation', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           on conflict (proposal_id) do update set status = 'awaiting-confirmation', attempt = excluded.attempt, method = excluded.method,
             external_reference = excluded.external_reference, proof_sha256 = excluded.proof_sha256, proof_reference = excluded.proof_reference,
             paid_at = excluded.paid_at, recorded_by_member_id = excluded.recorded_by_member_id, recorded_at = excluded.recorded_at,
             confirmations_required = excluded.confirmations_required, confirmed_by_member_ids = '{}', updated_at = excluded.updated_at
           where disbursement_payouts.attempt < excluded.attempt`,
          [
            d.proposalId,
            d.podId,
            d.attempt,
            d.method,
            d.externalReference,
            d.proofSha256,
            d.proofReference,
            d.paidAt,
            d.recordedByMemberId,
            d.recordedAt,
            d.confirmationsRequired,
            at,
          ],
        );
        return;
      }
      case 'PayoutConfirmed':
        await query(
          em,
          `update disbursement_payouts set status = 'paid', confirmed_by_member_ids = ?::uuid[], transfer_id = ?, updated_at = ?
           where proposal_id = ? and attempt = ? and status = 'awaiting-confirmation'`,
          [`{${event.data.confirmedByMemberIds.join(',')}}`, event.data.transferId, at, event.data.proposalId, event.data.attempt],
        );
        return;
      case 'PayoutFailed':
        // A processor's decline arrives with no recorded payout before it: the row may not exist yet.
        await query(
          em,
          `insert into disbursement_payouts (proposal_id, pod_id, status, attempt, last_failure, last_failure_at, updated_at)
           values (?, ?, 'unpaid', ?, ?, ?, ?)
           on conflict (proposal_id) do update set status = 'unpaid', attempt = excluded.attempt, last_failure = excluded.last_failure,
             last_failure_at = excluded.last_failure_at, updated_at = excluded.updated_at
           where disbursement_payouts.attempt <= excluded.attempt and disbursement_payouts.status in ('awaiting-confirmation', 'unpaid')`,
          [event.data.proposalId, event.data.podId, event.data.attempt, event.data.failure, event.data.failedAt, at],
        );
        return;
      case 'PayoutReversed':
        await query(
          em,
          `update disbursement_payouts set status = 'reversed', reversal_transfer_id = ?, reversal_reason = ?, reversed_by_member_id = ?, reversed_at = ?,
             updated_at = ? where proposal_id = ? and status = 'paid'`,
          [event.data.reversalTransferId, event.data.reason, event.data.reversedByMemberId, event.data.reversedAt, at, event.data.proposalId],
        );
        return;
      default:
        return;
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate disbursement_payouts');
  },
});
