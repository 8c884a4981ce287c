import { EventPattern, Payload } from '@nestjs/microservices';
import { PodCreatedV1, PodSettingsChangedV1, type PodCreatedV1Data, type PodSettingsChangedV1Data } from '@mutuo/contracts';
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
    const { podId, regionId, serviceArea } = event.data;
    const center = serviceArea ? ringCenter(serviceArea.coordinates[0]!) : null;
    await query(
      event.em,
      `insert into matching_pods (pod_id, region_id, center_lat, center_lon) values (?, ?, ?, ?)
       on conflict (pod_id) do update set region_id = excluded.region_id, center_lat = excluded.center_lat, center_lon = excluded.center_lon`,
      [podId, regionId, center?.lat ?? null, center?.lon ?? null],
    );
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

/** The average of the outline's corners (the closing position once): close enough to order pods by distance. */
function ringCenter(ring: readonly (readonly [number, number])[]): { lat: number; lon: number } {
  const corners = ring.slice(0, -1);
  const sum = corners.reduce((acc, [lon, lat]) => ({ lat: acc.lat + lat, lon: acc.lon + lon }), { lat: 0, lon: 0 });
  return { lat: sum.lat / corners.length, lon: sum.lon / corners.length };
}
