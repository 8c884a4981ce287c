import { EventPattern, Payload } from '@nestjs/microservices';
import {
  PodCreatedV1,
  PodJoinedRegionV1,
  PodSettingsChangedV1,
  type PodCreatedV1Data,
  type PodJoinedRegionV1Data,
  type PodSettingsChangedV1Data,
} from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * The pods of the region as escalation needs them: where each works (the middle of its service area, for "nearest
 * first"), whether it lets unmatched requests go to neighbours and how far its requests may be seen. Settings are
 * sent whole; the latest `changedAt` wins.
 */
@EventController()
export class TrackPods {
  @EventPattern(PodCreatedV1.type)
  async created(@Payload() event: ReceivedEvent<PodCreatedV1Data>): Promise<void> {
    await placePod(event, event.data);
  }

  /** A pod admitted to a region is a neighbour there by the same rules as one created in it. */
  @EventPattern(PodJoinedRegionV1.type)
  async joinedRegion(@Payload() event: ReceivedEvent<PodJoinedRegionV1Data>): Promise<void> {
    await placePod(event, event.data);
  }

  @EventPattern(PodSettingsChangedV1.type)
  async settingsChanged(@Payload() event: ReceivedEvent<PodSettingsChangedV1Data>): Promise<void> {
    const { podId, escalateToNeighbours, requestVisibility, changedAt } = event.data;
    await query(
      event.em,
      `insert into matching_pods (pod_id, escalate_to_neighbours, request_visibility, settings_changed_at) values (?, ?, ?, ?)
       on conflict (pod_id) do update set escalate_to_neighbours = excluded.escalate_to_neighbours,
         request_visibility = excluded.request_visibility, settings_changed_at = excluded.settings_changed_at
       where matching_pods.settings_changed_at is null or matching_pods.settings_changed_at < excluded.settings_changed_at`,
      [podId, escalateToNeighbours, requestVisibility, changedAt],
    );
  }
}

/** Where the pod works and in which region; a pod joining a region without a service area keeps the one it had. */
async function placePod(event: ReceivedEvent<unknown>, pod: { podId: string; regionId: string; serviceArea?: PodCreatedV1Data['serviceArea'] }): Promise<void> {
  const center = pod.serviceArea ? ringCenter(pod.serviceArea.coordinates[0]!) : null;
  await query(
    event.em,
    `insert into matching_pods (pod_id, region_id, center_lat, center_lon) values (?, ?, ?, ?)
     on conflict (pod_id) do update set region_id = excluded.region_id,
       center_lat = coalesce(excluded.center_lat, matching_pods.center_lat), center_lon = coalesce(excluded.center_lon, matching_pods.center_lon)`,
    [pod.podId, pod.regionId, center?.lat ?? null, center?.lon ?? null],
  );
}

/** The average of the outline's corners (the closing position once): close enough to order pods by distance. */
function ringCenter(ring: readonly (readonly [number, number])[]): { lat: number; lon: number } {
  const corners = ring.slice(0, -1);
  const sum = corners.reduce((acc, [lon, lat]) => ({ lat: acc.lat + lat, lon: acc.lon + lon }), { lat: 0, lon: 0 });
  return { lat: sum.lat / corners.length, lon: sum.lon / corners.length };
}
