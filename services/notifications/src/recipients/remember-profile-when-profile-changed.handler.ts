import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberProfileChangedV1, type MemberProfileChangedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** Keeps the member's languages and coarse location cell (for area broadcasts); the latest change wins. */
@EventController()
export class RememberProfileWhenProfileChanged {
  @EventPattern(MemberProfileChangedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberProfileChangedV1Data>): Promise<void> {
    const { memberId, podId, languages, locationCell, changedAt } = event.data;
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, languages, location_cell, profile_changed_at) values (?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?, ?)
       on conflict (member_id) do update set languages = excluded.languages, location_cell = excluded.location_cell, profile_changed_at = excluded.profile_changed_at
       where recipients.erased_at is null and (recipients.profile_changed_at is null or recipients.profile_changed_at < excluded.profile_changed_at)`,
      [memberId, podId, JSON.stringify(languages), locationCell, changedAt],
    );
  }
}
