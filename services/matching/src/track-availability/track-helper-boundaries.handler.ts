import { EventPattern, Payload } from '@nestjs/microservices';
import { BoundariesChangedV1, type BoundariesChangedV1Data } from '@mutuo/contracts';
import { weeklyWindowRanges } from '@mutuo/domain';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { isErased, refreshHelperSearch } from '../shared/helper-search.read-model';

/**
 * When a helper may be asked (weekly windows, kept expanded as minutes of the week in their zone), how much, and when
 * never for an emergency (quiet hours). Ordered by the member stream's version: an older event arriving late is ignored.
 */
@EventController()
export class TrackHelperBoundaries {
  @EventPattern(BoundariesChangedV1.type)
  async handle(@Payload() event: ReceivedEvent<BoundariesChangedV1Data>): Promise<void> {
    const { memberId, podId, availability, weeklyCapacityHours, quietHours, timezone } = event.data;
    if (await isErased(event.em, memberId)) return;
    await query(
      event.em,
      `insert into pod_helpers (member_id, pod_id, joined_at, availability, timezone, quiet_start, quiet_end, weekly_capacity_hours, boundaries_version)
       values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
       on conflict (member_id) do update set availability = excluded.availability, timezone = excluded.timezone,
         quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, weekly_capacity_hours = excluded.weekly_capacity_hours,
         boundaries_version = excluded.boundaries_version
       where pod_helpers.boundaries_version < excluded.boundaries_version`,
      [
        memberId,
        podId,
        event.time,
        // No windows given means "ask me any time", which scoring reads as unknown rather than never.
        availability.length > 0 ? JSON.stringify(weeklyWindowRanges(availability)) : null,
        timezone,
        quietHours?.start ?? null,
        quietHours?.end ?? null,
        weeklyCapacityHours,
        event.streamVersion,
      ],
    );
    await refreshHelperSearch(event.em, memberId);
  }
}
