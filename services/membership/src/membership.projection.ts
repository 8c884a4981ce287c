import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { ProfileUpdated } from './domain/member-profile.decider';
import type { MemberErased } from './domain/member-erasure.decider';
import type { MemberEvent } from './domain/member.decider';
import { FORMER_MEMBER } from './pod-admission/erasure/personal-data.policy';
import type { PodEvent } from './domain/pod.decider';
import type { RegionEvent } from './domain/region.decider';
import { MemberViewSchema } from './shared/member.entity';
import { PodViewSchema } from './pods/pod.entity';
import { RegionViewSchema } from './regions/region.entity';

type MembershipEvent = RegionEvent | PodEvent | MemberEvent | ProfileUpdated | MemberErased;

/** Regions, pods and members as the GraphQL API reads them. Upserts make replays harmless. */
export const membershipProjection = defineProjection<MembershipEvent>({
  name: 'membership-views',
  eventTypes: ['RegionCreated', 'PodCreated', 'PodLeftRegion', 'PodJoinedRegion', 'MemberJoined', 'MemberLeft', 'ProfileUpdated', 'MemberErased'],

  async apply(em: EntityManager, event) {
    const at = new Date(event.metadata.occurredAt);
    switch (event.type) {
      case 'RegionCreated':
        await em.upsert(RegionViewSchema, { id: event.data.regionId, name: event.data.name, slug: event.data.slug, createdAt: at });
        return;
      case 'PodCreated':
        await em.upsert(PodViewSchema, {
          id: event.data.podId,
          podId: event.data.podId,
          regionId: event.data.regionId,
          name: event.data.name,
          languages: event.data.languages,
          timezone: event.data.timezone,
          description: event.data.description ?? null,
          serviceArea: event.data.serviceArea ?? null,
          createdAt: at,
        });
        return;
      case 'PodLeftRegion':
        await query(em, 'update pods set region_id = null, left_region_at = ? where id = ?', [at, event.data.podId]);
        return;
      case 'PodJoinedRegion':
        await query(em, 'update pods set region_id = ?, left_region_at = null where id = ?', [event.data.regionId, event.data.podId]);
        return;
      case 'MemberJoined':
        await em.upsert(MemberViewSchema, {
          id: event.data.memberId,
          podId: event.data.podId,
          personId: event.data.personId,
          displayName: event.data.displayName,
          preferredLanguage: event.data.preferredLanguage,
          joinedAt: at,
          // Someone who left and joined again is a member again.
          status: 'active',
          leftAt: null,
        });
        return;
      case 'MemberLeft':
        // The row stays: whatever still refers to them (requests, role history) shows a former member.
        await query(em, "update members set status = 'former', left_at = ? where id = ?", [at, event.data.memberId]);
        return;
      case 'ProfileUpdated':
        // A member renames themself in their profile; the rest of the profile is member-settings' read model.
        await query(em, 'update members set display_name = ? where id = ?', [event.data.displayName, event.data.memberId]);
        return;
      case 'MemberErased':
        // Also over a name replayed from an event written before personal fields were sealed.
        await query(em, "update members set display_name = ?, status = 'former', left_at = coalesce(left_at, ?) where id = ?", [
          FORMER_MEMBER,
          at,
          event.data.memberId,
        ]);
        return;
      default:
        assertNever(event, 'membership event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate regions, pods, members');
  },
});
