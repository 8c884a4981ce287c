import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberProfileChangedV1, type MemberProfileChangedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { isErased, refreshHelperSearch } from '../shared/helper-search.read-model';

/** Skills, languages and the coarse cell a helper is matched on. Sent whole; the latest `changedAt` wins, so a late redelivery changes nothing. */
@EventController()
export class TrackMemberProfiles {
  @EventPattern(MemberProfileChangedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberProfileChangedV1Data>): Promise<void> {
    const { memberId, podId, languages, skills, locationCell, changedAt } = event.data;
    if (await isErased(event.em, memberId)) return;
    await query(
      event.em,
      `insert into pod_helpers (member_id, pod_id, joined_at, languages, skills, location_cell, profile_changed_at) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (member_id) do update set languages = excluded.languages, skills = excluded.skills,
         location_cell = excluded.location_cell, profile_changed_at = excluded.profile_changed_at
       where pod_helpers.profile_changed_at is null or pod_helpers.profile_changed_at < excluded.profile_changed_at`,
      [memberId, podId, event.time, pgArray(languages), pgArray(skills), locationCell, changedAt],
    );
    await refreshHelperSearch(event.em, memberId);
  }
}

/** A PostgreSQL array literal of plain tokens (language tags and category names contain no quotes or commas). */
export function pgArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}
