import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberJoinedV1, type MemberJoinedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { isErased, refreshHelperSearch } from '../shared/helper-search.read-model';

/**
 * Every member may be asked for help; matching keeps its own list, fed by membership's events. A profile or a pause
 * heard before the joining already created the row: the joining then only fills in when they joined.
 */
@EventController()
export class TrackHelpersWhenMemberJoined {
  @EventPattern(MemberJoinedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberJoinedV1Data>): Promise<void> {
    const { memberId, podId, preferredLanguage } = event.data;
    if (await isErased(event.em, memberId)) return;
    await query(
      event.em,
      `insert into pod_helpers (member_id, pod_id, joined_at, languages) values (?, ?, ?, ?)
       on conflict (member_id) do update set joined_at = excluded.joined_at,
         languages = case when pod_helpers.profile_changed_at is null then excluded.languages else pod_helpers.languages end,
         -- Joining again after leaving makes them a helper again; a late copy of the first joining does not.
         left_at = case when pod_helpers.left_at < excluded.joined_at then null else pod_helpers.left_at end`,
      [memberId, podId, event.time, `{${preferredLanguage}}`],
    );
    await refreshHelperSearch(event.em, memberId);
  }
}
