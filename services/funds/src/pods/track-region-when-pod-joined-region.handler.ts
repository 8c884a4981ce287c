import { EventPattern, Payload } from '@nestjs/microservices';
import { PodJoinedRegionV1, type PodJoinedRegionV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** A pod admitted to a region clears with its pods from now on, as one created there would. */
@EventController()
export class TrackRegionWhenPodJoinedRegion {
  @EventPattern(PodJoinedRegionV1.type)
  async handle(@Payload() event: ReceivedEvent<PodJoinedRegionV1Data>): Promise<void> {
    await query(event.em, 'insert into funds_pods (pod_id, region_id) values (?, ?) on conflict (pod_id) do update set region_id = excluded.region_id', [
      event.data.podId,
      event.data.regionId,
    ]);
  }
}
