import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import type { ProposalState } from '../domain/proposal.decider';
import { PROPOSALS_SCAN_SETTING, PROPOSALS_SCAN_VALUE } from '../shared/policy-settings';

export type ProposalView = Exclude<ProposalState, { status: 'none' }>;

export interface DueProposal {
  readonly podId: string;
  readonly proposalId: string;
}

/** Proposals are read inside their pod (row-level security); only the deadline scan looks across pods. */
@Injectable()
export class ProposalQueries {
  constructor(private readonly em: EntityManager) {}

  async ofPod(podId: string, limit: number): Promise<ProposalView[]> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ state: ProposalView }>(tx, 'select state from proposals where pod_id = ? order by opened_at desc, proposal_id limit ?', [podId, limit]),
    );
    return rows.map((row) => row.state);
  }

  async byId(podId: string, proposalId: string): Promise<ProposalView | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ state: ProposalView }>(tx, 'select state from proposals where proposal_id = ?', [proposalId]),
    );
    return row?.state ?? null;
  }

  /** The members of the pod who may take part now: every active member. */
  async activeMemberIds(podId: string): Promise<string[]> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ id: string }>(tx, "select id from members where pod_id = ? and status = 'active' order by id", [podId]),
    );
    return rows.map((row) => row.id);
  }

  /** Proposals whose reminder or deadline has come, in any pod. */
  dueAt(now: Date, limit: number): Promise<DueProposal[]> {
    return this.acrossPods<{ pod_id: string; proposal_id: string }>(
      'select pod_id, proposal_id from proposals where next_wake_at <= ? order by next_wake_at limit ?',
      [now.toISOString(), limit],
    ).then((rows) => rows.map((row) => ({ podId: row.pod_id, proposalId: row.proposal_id })));
  }

  /** The earliest reminder or deadline still ahead, in any pod. */
  async nextWakeAfter(now: Date): Promise<Date | null> {
    const [row] = await this.acrossPods<{ next: Date | string | null }>('select min(next_wake_at) as next from proposals where next_wake_at > ?', [
      now.toISOString(),
    ]);
    return row?.next ? new Date(row.next) : null;
  }

  private acrossPods<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [PROPOSALS_SCAN_SETTING, PROPOSALS_SCAN_VALUE]);
      return query<Row>(tx, sql, params);
    });
  }
}
