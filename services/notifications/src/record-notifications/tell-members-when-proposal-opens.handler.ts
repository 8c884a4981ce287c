import { EventPattern, Payload } from '@nestjs/microservices';
import {
  ProposalDeadlineNearV1,
  ProposalDecidedV1,
  ProposalOpenedV1,
  type ProposalDeadlineNearV1Data,
  type ProposalDecidedV1Data,
  type ProposalOpenedV1Data,
} from '@mutuo/contracts';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { asSelectKey } from '../domain/templates/render-message';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/**
 * The pod decides together: those who may vote hear when a proposal (or its next round) opens and a day before its
 * deadline, and they hear the result. The event names them (the round's electorate), so nothing is looked up here.
 */
@EventController()
export class TellMembersWhenProposalOpens {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(ProposalOpenedV1.type)
  async opened(@Payload() event: ReceivedEvent<ProposalOpenedV1Data>): Promise<void> {
    const { proposalId, podId, title, deadline, round, electorateMemberIds } = event.data;
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock, podId), electorateMemberIds, {
      kind: 'proposal-opened',
      subjectId: proposalId,
      params: { title, deadline: new Date(deadline), round },
    });
  }

  @EventPattern(ProposalDeadlineNearV1.type)
  async deadlineNear(@Payload() event: ReceivedEvent<ProposalDeadlineNearV1Data>): Promise<void> {
    const { proposalId, podId, title, deadline, electorateMemberIds } = event.data;
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock, podId), electorateMemberIds, {
      kind: 'proposal-deadline-near',
      subjectId: proposalId,
      params: { title, deadline: new Date(deadline) },
    });
  }

  @EventPattern(ProposalDecidedV1.type)
  async decided(@Payload() event: ReceivedEvent<ProposalDecidedV1Data>): Promise<void> {
    const { proposalId, podId, title, outcome, tally, electorateMemberIds } = event.data;
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock, podId), electorateMemberIds, {
      kind: 'proposal-decided',
      subjectId: proposalId,
      params: { title, outcome: asSelectKey(outcome), votesCast: tally.votesCast, electorateSize: tally.electorateSize },
    });
  }
}
