import { EventPattern, Payload } from '@nestjs/microservices';
import {
  PodCreatedV1,
  PodJoinedRegionV1,
  PodLeftRegionV1,
  PodSettingsChangedV1,
  RegionCreatedV1,
  type PodCreatedV1Data,
  type PodJoinedRegionV1Data,
  type PodLeftRegionV1Data,
  type PodSettingsChangedV1Data,
  type RegionCreatedV1Data,
} from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * Which region each pod is in, each region's slug (tokens name a steward's region by slug), and each pod's default
 * request visibility, kept from membership's events. Every write is an idempotent upsert.
 */
@EventController()
export class TrackPodsWhenPodCreated {
  @EventPattern(RegionCreatedV1.type)
  async regionCreated(@Payload() event: ReceivedEvent<RegionCreatedV1Data>): Promise<void> {
    await query(event.em, 'insert into region_slugs (region_id, slug) values (?, ?) on conflict (region_id) do update set slug = excluded.slug', [
      event.data.regionId,
      event.data.slug,
    ]);
  }

  @EventPattern(PodCreatedV1.type)
  async podCreated(@Payload() event: ReceivedEvent<PodCreatedV1Data>): Promise<void> {
    await query(event.em, 'insert into pod_facts (pod_id, region_id) values (?, ?) on conflict (pod_id) do update set region_id = excluded.region_id', [
      event.data.podId,
      event.data.regionId,
    ]);
  }

  @EventPattern(PodLeftRegionV1.type)
  async podLeftRegion(@Payload() event: ReceivedEvent<PodLeftRegionV1Data>): Promise<void> {
    await query(event.em, 'update pod_facts set region_id = null where pod_id = ? and region_id = ?', [event.data.podId, event.data.regionId]);
  }

  /** Admitted to another region: its requests reach that region's pods, as if it had been created there. */
  @EventPattern(PodJoinedRegionV1.type)
  async podJoinedRegion(@Payload() event: ReceivedEvent<PodJoinedRegionV1Data>): Promise<void> {
    await query(event.em, 'insert into pod_facts (pod_id, region_id) values (?, ?) on conflict (pod_id) do update set region_id = excluded.region_id', [
      event.data.podId,
      event.data.regionId,
    ]);
  }

  @EventPattern(PodSettingsChangedV1.type)
  async podSettingsChanged(@Payload() event: ReceivedEvent<PodSettingsChangedV1Data>): Promise<void> {
    await query(
      event.em,
      `insert into pod_facts (pod_id, request_visibility) values (?, ?)
       on conflict (pod_id) do update set request_visibility = excluded.request_visibility`,
      [event.data.podId, event.data.requestVisibility],
    );
  }
}
