import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestPostedV1, type RequestPostedV1Data } from '@mutuo/contracts';
import { RethrowEventErrorsFilter, type ReceivedEvent } from '@mutuo/messaging';
import { NotificationRecorder } from './notification-recorder';

/** Tells the requester, in their language, that their request is out there. */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class NotifyRequesterWhenRequestPosted {
  constructor(private readonly recorder: NotificationRecorder) {}

  @EventPattern(RequestPostedV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestPostedV1Data>): Promise<void> {
    await this.recorder.record(event.em, event, {
      recipientMemberId: event.data.requesterMemberId,
      kind: 'request-posted',
      subjectId: event.data.requestId,
      params: { title: event.data.title },
    });
  }
}
