import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberBlockedV1, MemberUnblockedV1, type MemberBlockedV1Data, type MemberUnblockedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * Two members in a block are never matched, whoever blocked whom. Both events come from the blocker's
 * stream, so its version orders them and a late redelivery never undoes a newer block or unblock.
 */
@EventController()
export class TrackHelperBlocks {
  @EventPattern(MemberBlockedV1.type)
  async blocked(@Payload() event: ReceivedEvent<MemberBlockedV1Data>): Promise<void> {
    await setBlock(event, true);
  }

  @EventPattern(MemberUnblockedV1.type)
  async unblocked(@Payload() event: ReceivedEvent<MemberUnblockedV1Data>): Promise<void> {
    await setBlock(event, false);
  }
}

async function setBlock(event: ReceivedEvent<MemberBlockedV1Data>, active: boolean): Promise<void> {
  const { podId, blockerMemberId, blockedMemberId } = event.data;
  await query(
    event.em,
    `insert into helper_blocks (blocker_member_id, blocked_member_id, pod_id, active, stream_version) values (?, ?, ?, ?, ?)
     on conflict (blocker_member_id, blocked_member_id) do update set active = excluded.active, stream_version = excluded.stream_version
     where helper_blocks.stream_version < excluded.stream_version`,
    [blockerMemberId, blockedMemberId, podId, active, event.streamVersion],
  );
}
