import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestPostedV1, type RequestPostedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/** Tells the requester, in their language, that their request is out there; partner apps get its public facts. */
@EventController()
export class NotifyRequesterWhenRequestPosted {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RequestPostedV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestPostedV1Data>): Promise<void> {
    const { requestId, podId, requesterMemberId, title, category, urgency, postedAt, anonymous } = event.data;
    // An event without `anonymous` was posted before requests could be anonymous.
    await query(
      event.em,
      'insert into known_requests (request_id, pod_id, requester_member_id, title, category, urgency, anonymous) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
      [requestId, podId, requesterMemberId, title, category, urgency, anonymous ?? false],
    );
    const cause = causeOf(event, this.clock);
    await this.dispatcher.notifyMember(event.em, cause, {
      recipientMemberId: requesterMemberId,
      kind: 'request-posted',
      subjectId: requestId,
      params: { title },
    });
    // Partners learn that help is needed, never who asked.
    await this.dispatcher.notifyPartners(event.em, cause, RequestPostedV1.type, { requestId, category, urgency, postedAt });
  }
}
