import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchWithdrawnV1, type MatchWithdrawnV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/**
 * Tells the other side of a withdrawn match (both sides when a coordinator withdrew it), each in their own pod. The
 * reason stays out of the message: it is the withdrawer's own words, shown in the app to whom matching allows.
 */
@EventController()
export class TellOtherSideWhenMatchWithdrawn {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(MatchWithdrawnV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchWithdrawnV1Data>): Promise<void> {
    const { requestId, podId, requesterMemberId, helperMemberId, helperPodId, withdrawnBy } = event.data;
    const em = event.em;
    await setTransactionPod(em, podId);
    const [request] = await query<{ title: string }>(em, 'select title from known_requests where request_id = ?', [requestId]);
    const title = request?.title ?? '—';
    const recipients = [
      ...(withdrawnBy !== 'requester' ? [{ memberId: requesterMemberId, recipientPodId: podId }] : []),
      ...(withdrawnBy !== 'helper' ? [{ memberId: helperMemberId, recipientPodId: helperPodId }] : []),
    ];
    for (const { memberId, recipientPodId } of recipients) {
      await setTransactionPod(em, recipientPodId);
      await this.dispatcher.notifyMember(em, causeOf(event, this.clock, recipientPodId), {
        recipientMemberId: memberId,
        kind: 'match-withdrawn',
        subjectId: requestId,
        params: { title, withdrawnBy },
      });
    }
    await setTransactionPod(em, event.podId);
  }
}
