import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberPausedV1, MemberReturnedV1, type MemberPausedV1Data, type MemberReturnedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { isErased, refreshHelperSearch } from '../shared/helper-search.read-model';

/**
 * A paused member is never a candidate. Pause and return come from the member's stream in membership, so
 * their stream version orders them: an older event arriving late (a redelivery) is ignored. A pause heard
 * before the member's joining creates the helper row already paused; the joining then fills in the rest.
 */
@EventController()
export class TrackHelperPauses {
  @EventPattern(MemberPausedV1.type)
  async paused(@Payload() event: ReceivedEvent<MemberPausedV1Data>): Promise<void> {
    await setPaused(event, true);
  }

  @EventPattern(MemberReturnedV1.type)
  async returned(@Payload() event: ReceivedEvent<MemberReturnedV1Data>): Promise<void> {
    await setPaused(event, false);
  }
}

async function setPaused(event: ReceivedEvent<{ memberId: string; podId: string }>, paused: boolean): Promise<void> {
  if (await isErased(event.em, event.data.memberId)) return;
  await query(
    event.em,
    `insert into pod_helpers (member_id, pod_id, joined_at, paused, pause_version) values (?, ?, ?, ?, ?)
     on conflict (member_id) do update set paused = excluded.paused, pause_version = excluded.pause_version
     where pod_helpers.pause_version < excluded.pause_version`,
    [event.data.memberId, event.data.podId, event.time, paused, event.streamVersion],
  );
  await refreshHelperSearch(event.em, event.data.memberId);
}
