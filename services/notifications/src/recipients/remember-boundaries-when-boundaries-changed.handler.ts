import { EventPattern, Payload } from '@nestjs/microservices';
import {
  BoundariesChangedV1,
  MemberPausedV1,
  MemberReturnedV1,
  type BoundariesChangedV1Data,
  type MemberPausedV1Data,
  type MemberReturnedV1Data,
} from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** Quiet hours, time zone and pauses from membership: when a member may be written to. */
@EventController()
export class RememberBoundariesWhenBoundariesChanged {
  @EventPattern(BoundariesChangedV1.type)
  async boundaries(@Payload() event: ReceivedEvent<BoundariesChangedV1Data>): Promise<void> {
    const { memberId, podId, quietHours, timezone } = event.data;
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, quiet_start, quiet_end, timezone) values (?, ?, ?, ?, ?)
       on conflict (member_id) do update set quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, timezone = excluded.timezone
       where recipients.erased_at is null`,
      [memberId, podId, quietHours?.start ?? null, quietHours?.end ?? null, timezone],
    );
  }

  @EventPattern(MemberPausedV1.type)
  async paused(@Payload() event: ReceivedEvent<MemberPausedV1Data>): Promise<void> {
    await this.setPaused(event, event.data.memberId, event.data.podId, true);
  }

  @EventPattern(MemberReturnedV1.type)
  async returned(@Payload() event: ReceivedEvent<MemberReturnedV1Data>): Promise<void> {
    await this.setPaused(event, event.data.memberId, event.data.podId, false);
  }

  private async setPaused(event: ReceivedEvent, memberId: string, podId: string, paused: boolean): Promise<void> {
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, paused) values (?, ?, ?) on conflict (member_id) do update set paused = excluded.paused where recipients.erased_at is null`,
      [memberId, podId, paused],
    );
  }
}
