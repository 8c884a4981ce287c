import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberErasedV1, type MemberErasedV1Data } from '@mutuo/contracts';
import { destroyPersonalDataKey, query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * Erasure: everything matching kept about the member (skills, languages, cell, availability, blocks, offers, the
 * titles of their requests) is dropped. Suggestions and matches stay as anonymous rows so counts still add up, with
 * the member's id blanked. A tombstone keeps late or redelivered events from bringing the member back.
 */
@EventController()
export class ForgetMemberWhenErased {
  @EventPattern(MemberErasedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberErasedV1Data>): Promise<void> {
    const { memberId, podId, erasedAt } = event.data;
    const em = event.em;
    await query(em, 'insert into erased_members (member_id, pod_id, erased_at) values (?, ?, ?) on conflict do nothing', [memberId, podId, erasedAt]);
    await query(em, 'delete from helper_search where member_id = ?', [memberId]);
    await query(em, 'delete from pod_helpers where member_id = ?', [memberId]);
    await query(em, 'delete from helper_blocks where blocker_member_id = ? or blocked_member_id = ?', [memberId, memberId]);
    await query(em, 'delete from open_offers where helper_member_id = ?', [memberId]);
    await query(
      em,
      `update suggestions_view set shared = jsonb_set(shared, '{title}', 'null') where shared is not null
         and request_id in (select request_id from tracked_requests where requester_member_id = ?)`,
      [memberId],
    );
    // A requester's notes on their asks go before the link from their requests to them does.
    await query(
      em,
      `update suggestions_view set note = null where source = 'asked' and request_id in (select request_id from tracked_requests where requester_member_id = ?)`,
      [memberId],
    );
    await query(
      em,
      `update tracked_requests set requester_member_id = null, title = null, location_cell = null,
         escalation_shared = case when escalation_shared is null then null else jsonb_set(escalation_shared, '{title}', 'null') end
       where requester_member_id = ?`,
      [memberId],
    );
    await query(em, `update suggestions_view set status = 'withdrawn' where helper_member_id = ? and status = 'open'`, [memberId]);
    await query(
      em,
      `update suggestions_view set helper_member_id = null, decline_reason = null, note = case when source = 'offered' then null else note end
       where helper_member_id = ?`,
      [memberId],
    );
    await query(em, 'update suggestions_view set feedback_reason = null, feedback_by_member_id = null where feedback_by_member_id = ?', [memberId]);
    await query(em, 'update matches_view set helper_member_id = null, withdraw_reason = null where helper_member_id = ?', [memberId]);
    await query(em, 'update matches_view set requester_member_id = null, withdraw_reason = null where requester_member_id = ?', [memberId]);
    // The words they wrote in matching's own events (reasons, a shared title) open to nothing from now on.
    await destroyPersonalDataKey(em, memberId);
  }
}
