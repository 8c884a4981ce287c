import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import { evolveProposal, initialProposalState, nextWakeOf, type ProposalEvent, type ProposalState } from '../domain/proposal.decider';

/**
 * Each proposal as the decider folds it (one row per proposal stream), so the read model and the decider never
 * disagree on what a round, a vote or a tally is.
 */
export const proposalsProjection = defineProjection<ProposalEvent>({
  name: 'proposals',
  eventTypes: ['ProposalOpened', 'VoteCast', 'ProposalAmended', 'ProposalDeadlineNear', 'ProposalObjected', 'ProposalDecided', 'ProposalWithdrawn'],

  async apply(em: EntityManager, event) {
    const { proposalId } = event.data;
    const [row] = await query<{ state: ProposalState }>(em, 'select state from proposals where proposal_id = ?', [proposalId]);
    const state = evolveProposal(row?.state ?? initialProposalState(), event);
    if (state.status === 'none') return;
    const openedAt = event.type === 'ProposalOpened' ? event.data.openedAt : null;
    await query(
      em,
      `insert into proposals (proposal_id, pod_id, status, kind, opened_at, next_wake_at, state, updated_at)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)
       on conflict (proposal_id) do update set status = excluded.status, next_wake_at = excluded.next_wake_at,
         state = excluded.state, updated_at = excluded.updated_at`,
      [
        proposalId,
        state.podId,
        state.status,
        state.kind,
        openedAt ?? event.metadata.occurredAt,
        nextWakeOf(state),
        JSON.stringify(state),
        event.metadata.occurredAt,
      ],
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate proposals');
  },
});
