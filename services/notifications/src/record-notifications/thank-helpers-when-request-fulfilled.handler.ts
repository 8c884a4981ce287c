import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestFulfilledV1, type RequestFulfilledV1Data } from '@mutuo/contracts';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { asSelectKey } from '../domain/templates/render-message';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/** Thanks each helper of a fulfilled request with the hours they gave (their own contribution when recorded). */
@EventController()
export class ThankHelpersWhenRequestFulfilled {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RequestFulfilledV1.type)
  async handle(@Payload() event: ReceivedEvent<RequestFulfilledV1Data>): Promise<void> {
    const { requestId, podId, helperMemberIds, contributions, hoursGivenMinutes, category } = event.data;
    const sharePerHelper = helperMemberIds.length > 0 ? hoursGivenMinutes / helperMemberIds.length : 0;
    for (const helperMemberId of new Set(helperMemberIds)) {
      const minutes = contributions.find((contribution) => contribution.helperMemberId === helperMemberId)?.minutes ?? sharePerHelper;
      await this.dispatcher.notifyMember(event.em, causeOf(event, this.clock, podId), {
        recipientMemberId: helperMemberId,
        kind: 'request-fulfilled',
        subjectId: requestId,
        // Tenths of an hour: "1.5 hours", not "1.5166 hours".
        params: { category: asSelectKey(category), hours: Math.round(minutes / 6) / 10 },
      });
    }
  }
}
