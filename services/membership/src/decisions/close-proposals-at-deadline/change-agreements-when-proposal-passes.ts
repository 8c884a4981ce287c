import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, type PostgresEventStore } from '@mutuo/event-store';
import { podAgreementsDecider, type PodAgreementsCommand, type PodAgreementsEvent, type PodAgreementsState } from '../../domain/pod-agreements.decider';
import type { ProposalState } from '../../domain/proposal.decider';
import { currentRound } from '../../domain/proposal.decider';
import { podAgreementsStream } from '../../shared/pod-streams';

/**
 * An agreement change the pod passed becomes its agreements' next version, in the transaction that decided it, so
 * a decision never passes without its effect. It is published in the proposer's name: they wrote the text.
 */
export async function changeAgreementsWhenProposalPasses(
  tx: EntityManager,
  store: PostgresEventStore,
  proposal: ProposalState,
  metadata: CommandMetadata,
): Promise<void> {
  if (proposal.status !== 'decided' || proposal.outcome !== 'passed' || proposal.kind !== 'agreement-change') return;
  const agreements = new CommandHandler<PodAgreementsState, PodAgreementsCommand, PodAgreementsEvent>(store, podAgreementsDecider);
  await agreements.handle(tx, podAgreementsStream(proposal.podId), {
    type: 'PublishAgreements',
    data: {
      podId: proposal.podId,
      podExists: true,
      publishedByMemberId: proposal.proposerMemberId,
      text: currentRound(proposal).text,
      basedOnVersion: null,
    },
    metadata,
  });
}
