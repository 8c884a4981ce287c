import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberErasedV1, type MemberErasedV1Data } from '@mutuo/contracts';
import { destroyPersonalDataKey, query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * Erasure: the member's name, contacts, location, languages and boundaries go, their inbox texts are blanked (and
 * their data key destroyed, so the texts in notifications' events open only to blanks), the titles of their requests
 * forgotten. The row stays as a tombstone (erased_at), so a late contacts or profile event
 * cannot bring anything back, and pending deliveries to them are cancelled by the worker.
 */
@EventController()
export class ForgetMemberWhenMemberErased {
  @EventPattern(MemberErasedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberErasedV1Data>): Promise<void> {
    const { memberId, podId, erasedAt } = event.data;
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, erased_at) values (?, ?, ?)
       on conflict (member_id) do update set display_name = '', email = null, phone = null, preferred_contact = null, location_cell = null,
         languages = '{}', quiet_start = null, quiet_end = null, timezone = null, erased_at = excluded.erased_at`,
      [memberId, podId, erasedAt],
    );
    await query(event.em, `update inbox_notifications set text = '' where recipient_member_id = ?`, [memberId]);
    await query(event.em, 'delete from notification_preferences where member_id = ?', [memberId]);
    await query(event.em, 'delete from known_requests where requester_member_id = ?', [memberId]);
    // The texts written to them in notifications' own events now open only to blanks.
    await destroyPersonalDataKey(event.em, memberId);
  }
}
