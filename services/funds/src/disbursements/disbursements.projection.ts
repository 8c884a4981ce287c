import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { DisbursementEvent } from '../domain/disbursement.decider';

/** Proposals as treasurers list them, and the month's committed amounts per category for budgets. */
export const disbursementsProjection = defineProjection<DisbursementEvent>({
  name: 'disbursement-proposals',
  eventTypes: ['DisbursementProposed', 'DisbursementApprovalGiven', 'DisbursementApproved', 'DisbursementRejected', 'DisbursementPaid'],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'DisbursementProposed': {
        const d = event.data;
        await query(
          em,
          `insert into disbursement_proposals (id, pod_id, request_id, proposed_by_member_id, recipient_member_id, currency, amount_minor, category,
             reason_text_id, emergency, route, approvals_required, over_budget, month, status, proposed_at, updated_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?) on conflict (id) do nothing`,
          [
            d.proposalId,
            d.podId,
            d.requestId,
            d.proposedByMemberId,
            d.recipientMemberId,
            d.currency,
            d.amountMinor,
            d.category,
            d.reasonTextId,
            d.emergency,
            d.route,
            d.approvalsRequired,
            d.overBudget,
            d.month,
            d.proposedAt,
            at,
          ],
        );
        return;
      }
      case 'DisbursementApprovalGiven':
        await query(
          em,
          `update disbursement_proposals set approver_member_ids = array_append(approver_member_ids, ?::uuid), updated_at = ?
           where id = ? and not (?::uuid = any(approver_member_ids))`,
          [event.data.approverMemberId, at, event.data.proposalId, event.data.approverMemberId],
        );
        return;
      case 'DisbursementApproved':
        await query(em, `update disbursement_proposals set status = 'approved', approver_member_ids = ?::uuid[], updated_at = ? where id = ?`, [
          `{${event.data.approverMemberIds.join(',')}}`,
          at,
          event.data.proposalId,
        ]);
        return;
      case 'DisbursementRejected':
        await query(
          em,
          `update disbursement_proposals set status = 'rejected', rejected_by_member_id = ?, rejection_reason_text_id = ?, updated_at = ? where id = ?`,
          [event.data.rejectedByMemberId, event.data.reasonTextId, at, event.data.proposalId],
        );
        return;
      case 'DisbursementPaid':
        await query(em, `update disbursement_proposals set status = 'paid', transfer_id = ?, processor_reference = ?, updated_at = ? where id = ?`, [
          event.data.transferId,
          event.data.processorReference,
          at,
          event.data.proposalId,
        ]);
        return;
      default:
        return;
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate disbursement_proposals');
  },
});
