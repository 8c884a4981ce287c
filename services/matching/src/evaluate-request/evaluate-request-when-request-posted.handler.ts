import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestPostedV1, type RequestPostedV1Data } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { RethrowEventErrorsFilter, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import {
  requestEvaluationDecider,
  type RequestEvaluationCommand,
  type RequestEvaluationEvent,
  type RequestEvaluationState,
} from '../domain/request-evaluation.decider';
import { availableHelpers } from '../pod-helpers/available-helpers';

export const MATCHING_ACTOR = 'system:matching';

/** A new request is evaluated against the pod's members: who could be asked (never the requester, a paused member or a blocked pair). */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class EvaluateRequestWhenRequestPosted {
  private readonly commands: CommandHandler<RequestEvaluationState, RequestEvaluationCommand, RequestEvaluationEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, requestEvaluationDecider);
  }

  @EventPattern(RequestPostedV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestPostedV1Data>): Promise<void> {
    const { requestId, podId, requesterMemberId } = event.data;
    const candidateMemberIds = await availableHelpers(event.em, podId, requesterMemberId);
    await this.commands.handle(event.em, streamName('request-matching', podId, requestId), {
      type: 'EvaluateRequest',
      data: { requestId, podId, requesterMemberId, candidateMemberIds },
      metadata: commandMetadataForEvent(event, MATCHING_ACTOR),
    });
  }
}
