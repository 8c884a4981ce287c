import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchMadeV1, type MatchMadeV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { RethrowEventErrorsFilter, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../deliveries/notification-cause';
import { NotificationDispatcher } from '../deliveries/notification-dispatcher';

/**
 * Tells the requester and the helper they were matched, each in their own pod and language. The message names the
 * other person only: contact details are shown by membership to exactly the two of them, never written here.
 */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class TellBothWhenMatchMade {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(MatchMadeV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchMadeV1Data>): Promise<void> {
    const { requestId, requesterMemberId, requesterPodId, helperMemberId, helperPodId } = event.data;
    const em = event.em;
    const [request] = await query<{ title: string }>(em, 'select title from known_requests where request_id = ?', [requestId]);
    const nameIn = async (podId: string, memberId: string) => {
      await setTransactionPod(em, podId);
      const [row] = await query<{ display_name: string }>(em, 'select display_name from recipients where member_id = ? and erased_at is null', [memberId]);
      return row?.display_name || '—';
    };
    const requesterName = await nameIn(requesterPodId, requesterMemberId);
    const helperName = await nameIn(helperPodId, helperMemberId);
    const title = request?.title ?? '—';
    await setTransactionPod(em, requesterPodId);
    await this.dispatcher.notifyMember(em, causeOf(event, this.clock, requesterPodId), {
      recipientMemberId: requesterMemberId,
      kind: 'match-made',
      subjectId: requestId,
      params: { title, otherName: helperName, role: 'requester' },
    });
    await setTransactionPod(em, helperPodId);
    await this.dispatcher.notifyMember(em, causeOf(event, this.clock, helperPodId), {
      recipientMemberId: helperMemberId,
      kind: 'match-made',
      subjectId: requestId,
      params: { title, otherName: requesterName, role: 'helper' },
    });
    await setTransactionPod(em, event.podId);
  }
}
