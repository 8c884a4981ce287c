import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ProposalDecidedV1, type ProposalDecidedV1Data } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, setTransactionPod } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { disbursementDecider, type DisbursementCommand, type DisbursementEvent, type DisbursementState } from '../domain/disbursement.decider';
import { FUNDS_ACTOR } from '../funds.actor';
import { disbursementStream } from '../shared/disbursement-stream';

/**
 * The pod passed a funds-disbursement decision: the disbursement proposal it names, waiting for a pod decision, is
 * approved on that route. Any other outcome changes nothing here (a coordinator may still record a rejection with
 * its reason). A decision about a proposal that no longer waits for one is logged and dropped, not retried: it
 * would never apply, and it must not hold up the pod's other events.
 */
@EventController()
export class ApproveDisbursementWhenPodDecides {
  private readonly commands: CommandHandler<DisbursementState, DisbursementCommand, DisbursementEvent>;

  constructor(
    store: PostgresEventStore,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.commands = new CommandHandler(store, disbursementDecider);
  }

  @EventPattern(ProposalDecidedV1.type)
  async handle(@Payload() event: ReceivedEvent<ProposalDecidedV1Data>): Promise<void> {
    const { kind, outcome, subject, podId, proposalId } = event.data;
    if (kind !== 'funds-disbursement' || outcome !== 'passed' || subject.type !== 'disbursement') return;
    await setTransactionPod(event.em, podId);
    try {
      await this.commands.handle(event.em, disbursementStream(podId, subject.disbursementProposalId), {
        type: 'ApproveByPodVote',
        data: { decisionId: proposalId },
        metadata: commandMetadataForEvent(event, FUNDS_ACTOR),
      });
    } catch (error) {
      if (!(error instanceof DomainRuleViolation)) throw error;
      this.logger.warn(
        { podId, decisionId: proposalId, disbursementProposalId: subject.disbursementProposalId, code: error.code },
        'A pod decision names a disbursement proposal that does not wait for one; nothing approved',
      );
    }
  }
}
