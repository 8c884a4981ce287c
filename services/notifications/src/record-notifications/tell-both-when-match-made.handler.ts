import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchMadeV1, type MatchMadeV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/**
 * Tells the requester and the helper they were matched, each in their own pod and language. The message names the
 * other person only: contact details are shown by membership to exactly the two of them, never written here. A
 * requester who asked to stay anonymous is "a neighbour" to the helper: their name is not even looked up. A request
 * whose anonymity is unknown (heard of before it was kept, or not at all) is treated as anonymous.
 */
@EventController()
export class TellBothWhenMatchMade {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(MatchMadeV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchMadeV1Data>): Promise<void> {
    const { requestId, requesterMemberId, requesterPodId, helperMemberId, helperPodId } = event.data;
    const em = event.em;
    const [request] = await query<{ title: string; anonymous: boolean | null }>(em, 'select title, anonymous from known_requests where request_id = ?', [
      requestId,
    ]);
    const requesterAnonymous = request?.anonymous !== false;
    const nameIn = async (podId: string, memberId: string) => {
      await setTransactionPod(em, podId);
      const [row] = await query<{ display_name: string }>(em, 'select display_name from recipients where member_id = ? and erased_at is null', [memberId]);
      return row?.display_name || '—';
    };
    const requesterName = requesterAnonymous ? '' : await nameIn(requesterPodId, requesterMemberId);
    const helperName = await nameIn(helperPodId, helperMemberId);
    const title = request?.title ?? '—';
    await setTransactionPod(em, requesterPodId);
    await this.dispatcher.notifyMember(em, causeOf(event, this.clock, requesterPodId), {
      recipientMemberId: requesterMemberId,
      kind: 'match-made',
      subjectId: requestId,
      params: { title, otherName: helperName, otherAnonymous: false, role: 'requester' },
    });
    await setTransactionPod(em, helperPodId);
    await this.dispatcher.notifyMember(em, causeOf(event, this.clock, helperPodId), {
      recipientMemberId: helperMemberId,
      kind: 'match-made',
      subjectId: requestId,
      params: { title, otherName: requesterName, otherAnonymous: requesterAnonymous, role: 'helper' },
    });
    await setTransactionPod(em, event.podId);
  }
}
