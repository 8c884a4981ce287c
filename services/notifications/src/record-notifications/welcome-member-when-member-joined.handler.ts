import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberJoinedV1, type MemberJoinedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';

/** Remembers how to address a new (or returning) member and welcomes them in their language. */
@EventController()
export class WelcomeMemberWhenMemberJoined {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(MemberJoinedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberJoinedV1Data>): Promise<void> {
    const { memberId, podId, displayName, preferredLanguage } = event.data;
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, display_name, preferred_language) values (?, ?, ?, ?)
       on conflict (member_id) do update set pod_id = excluded.pod_id, display_name = excluded.display_name, preferred_language = excluded.preferred_language, left_at = null
       where recipients.erased_at is null`,
      [memberId, podId, displayName, preferredLanguage],
    );
    await this.dispatcher.notifyMember(event.em, causeOf(event, this.clock), {
      recipientMemberId: memberId,
      kind: 'welcome',
      subjectId: podId,
      params: { name: displayName },
    });
  }
}
