import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { PAYOUT_COLUMNS, type PayoutColumns } from './payouts/payout.view';

export interface ProposalRow extends PayoutColumns {
  id: string;
  pod_id: string;
  request_id: string | null;
  proposed_by_member_id: string;
  recipient_member_id: string | null;
  currency: string;
  amount_minor: string;
  category: string;
  reason: string | null;
  emergency: boolean;
  route: string;
  approvals_required: number;
  approver_member_ids: string[];
  over_budget: boolean;
  month: string;
  status: string;
  rejected_by_member_id: string | null;
  rejection_reason: string | null;
  transfer_id: string | null;
  processor_reference: string | null;
  proposed_at: Date | string;
  proposer_erased: boolean;
  recipient_erased: boolean;
}

/** Texts come from the personal-text store: once their author is erased they read as null. */
const SELECT = `
  select p.*, reason.text as reason, rejection.text as rejection_reason, ${PAYOUT_COLUMNS},
         exists (select 1 from funds_former_members f where f.member_id = p.proposed_by_member_id) as proposer_erased,
         exists (select 1 from funds_former_members f where f.member_id = p.recipient_member_id) as recipient_erased
  from disbursement_proposals p
  left join funds_personal_texts reason on reason.id = p.reason_text_id
  left join funds_personal_texts rejection on rejection.id = p.rejection_reason_text_id
  left join disbursement_payouts po on po.proposal_id = p.id`;

/** A reversed payout shows on its proposal: paid, then reversed. */
const STATUS = `case when po.status = 'reversed' then 'reversed' else p.status end`;

@Injectable()
export class DisbursementsQueries {
  constructor(private readonly em: EntityManager) {}

  list(podId: string, status: string | null): Promise<ProposalRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<ProposalRow>(tx, `${SELECT} where (?::text is null or ${STATUS} = ?) order by p.proposed_at desc limit 200`, [status, status]),
    );
  }

  async byId(podId: string, proposalId: string): Promise<ProposalRow | null> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) => query<ProposalRow>(tx, `${SELECT} where p.id = ?`, [proposalId]));
    return rows[0] ?? null;
  }

  forRequest(podId: string, requestId: string): Promise<ProposalRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => query<ProposalRow>(tx, `${SELECT} where p.request_id = ? order by p.proposed_at`, [requestId]));
  }
}
