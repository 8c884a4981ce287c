import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberJoinedV1, MemberLeftV1, RegionCreatedV1, type MemberJoinedV1Data, type MemberLeftV1Data, type RegionCreatedV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { PodMembers } from '../shared/pod-members.repository';

/**
 * Funds' own record of membership facts its commands depend on: who is a member of which pod (so a donor, a
 * recipient or a member granted hours is one of the caller's pod), and region slugs (tokens name regions by slug).
 */
@EventController()
export class TrackPodMembers {
  constructor(private readonly members: PodMembers) {}

  @EventPattern(MemberJoinedV1.type)
  async joined(@Payload() event: ReceivedEvent<MemberJoinedV1Data>): Promise<void> {
    await setTransactionPod(event.em, event.data.podId);
    await this.members.joined(event.em, event.data.memberId, event.data.podId, event.time);
  }

  @EventPattern(MemberLeftV1.type)
  async left(@Payload() event: ReceivedEvent<MemberLeftV1Data>): Promise<void> {
    await setTransactionPod(event.em, event.data.podId);
    await this.members.left(event.em, event.data.memberId, event.data.podId, event.time);
  }

  @EventPattern(RegionCreatedV1.type)
  async regionCreated(@Payload() event: ReceivedEvent<RegionCreatedV1Data>): Promise<void> {
    await query(event.em, 'insert into funds_regions (region_id, slug) values (?, ?) on conflict (region_id) do nothing', [
      event.data.regionId,
      event.data.slug,
    ]);
  }
}
