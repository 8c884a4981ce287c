import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import { MEMBER_BLOCKS_EVENT_TYPES, type MemberBlocksEvent } from '../domain/member-blocks.decider';
import { MEMBER_BOUNDARIES_EVENT_TYPES, type MemberBoundariesEvent } from '../domain/member-boundaries.decider';
import { MEMBER_PAUSE_EVENT_TYPES, type MemberPauseEvent } from '../domain/member-pause.decider';
import { MEMBER_PROFILE_EVENT_TYPES, type MemberProfileEvent } from '../domain/member-profile.decider';
import type { MemberJoined, MemberLeft } from '../domain/member.decider';

type MemberSettingsEvent = MemberJoined | MemberLeft | MemberProfileEvent | MemberBlocksEvent | MemberBoundariesEvent | MemberPauseEvent;

const TABLES = ['member_profiles', 'member_contact_channels', 'member_precise_locations', 'member_blocks', 'member_boundaries', 'member_pauses'];

/**
 * Profiles, contact channels, precise locations, blocks, boundaries and pauses as the API reads them.
 * Every statement is an upsert or a delete by key, so replaying an event changes nothing.
 */
export const memberSettingsProjection = defineProjection<MemberSettingsEvent>({
  name: 'member-settings',
  eventTypes: [
    'MemberJoined',
    'MemberLeft',
    ...MEMBER_PROFILE_EVENT_TYPES,
    ...MEMBER_BLOCKS_EVENT_TYPES,
    ...MEMBER_BOUNDARIES_EVENT_TYPES,
    ...MEMBER_PAUSE_EVENT_TYPES,
  ],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'MemberJoined': {
        const { memberId, podId, preferredLanguage } = event.data;
        await query(
          em,
          `insert into member_profiles (member_id, pod_id, pronouns, languages, skills, location_cell, updated_at)
           values (?, ?, null, ?::jsonb, '[]'::jsonb, null, ?) on conflict (member_id) do nothing`,
          [memberId, podId, JSON.stringify([preferredLanguage]), at],
        );
        return;
      }
      case 'MemberLeft': {
        // The member stream starts their settings afresh if they join again, so the read model forgets them
        // now: nobody sees a former member's contact details, and no scheduler returns them from a pause.
        // Blocks others made of them stay: those are the other members' own settings.
        const { memberId } = event.data;
        for (const table of ['member_profiles', 'member_contact_channels', 'member_precise_locations', 'member_boundaries', 'member_pauses']) {
          await query(em, `delete from ${table} where member_id = ?`, [memberId]);
        }
        await query(em, 'delete from member_blocks where blocker_member_id = ?', [memberId]);
        return;
      }
      case 'ProfileUpdated': {
        const { memberId, podId, pronouns, languages, skills, location } = event.data;
        await query(
          em,
          `insert into member_profiles (member_id, pod_id, pronouns, languages, skills, location_cell, updated_at)
           values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
           on conflict (member_id) do update set pronouns = excluded.pronouns, languages = excluded.languages,
             skills = excluded.skills, location_cell = excluded.location_cell, updated_at = excluded.updated_at`,
          [memberId, podId, pronouns, JSON.stringify(languages), JSON.stringify(skills), location?.cell ?? null, at],
        );
        if (location?.precise) {
          await query(
            em,
            `insert into member_precise_locations (member_id, pod_id, lat, lon) values (?, ?, ?, ?)
             on conflict (member_id) do update set lat = excluded.lat, lon = excluded.lon`,
            [memberId, podId, location.precise.lat, location.precise.lon],
          );
        } else {
          await query(em, 'delete from member_precise_locations where member_id = ?', [memberId]);
        }
        return;
      }
      case 'ContactChannelAdded': {
        const { channelId, memberId, podId, kind, value } = event.data;
        await query(
          em,
          `insert into member_contact_channels (channel_id, member_id, pod_id, kind, value, verified, preferred, added_at)
           values (?, ?, ?, ?, ?, false, false, ?) on conflict (channel_id) do nothing`,
          [channelId, memberId, podId, kind, value, at],
        );
        return;
      }
      case 'ContactChannelRemoved':
        await query(em, 'delete from member_contact_channels where channel_id = ?', [event.data.channelId]);
        return;
      case 'PreferredChannelSet':
        await query(em, 'update member_contact_channels set preferred = (channel_id = ?) where member_id = ?', [event.data.channelId, event.data.memberId]);
        return;
      case 'ContactChannelVerified':
        await query(em, 'update member_contact_channels set verified = true where channel_id = ?', [event.data.channelId]);
        return;
      case 'MemberBlocked': {
        const { podId, blockerMemberId, blockedMemberId } = event.data;
        await query(
          em,
          `insert into member_blocks (blocker_member_id, blocked_member_id, pod_id, blocked_at) values (?, ?, ?, ?)
           on conflict (blocker_member_id, blocked_member_id) do nothing`,
          [blockerMemberId, blockedMemberId, podId, at],
        );
        return;
      }
      case 'MemberUnblocked':
        await query(em, 'delete from member_blocks where blocker_member_id = ? and blocked_member_id = ?', [
          event.data.blockerMemberId,
          event.data.blockedMemberId,
        ]);
        return;
      case 'BoundariesSet': {
        const { memberId, podId, availability, weeklyCapacityHours, quietHours, timezone } = event.data;
        await query(
          em,
          `insert into member_boundaries (member_id, pod_id, availability, weekly_capacity_hours, quiet_hours_start, quiet_hours_end, timezone, updated_at)
           values (?, ?, ?::jsonb, ?, ?, ?, ?, ?)
           on conflict (member_id) do update set availability = excluded.availability,
             weekly_capacity_hours = excluded.weekly_capacity_hours, quiet_hours_start = excluded.quiet_hours_start,
             quiet_hours_end = excluded.quiet_hours_end, timezone = excluded.timezone, updated_at = excluded.updated_at`,
          [memberId, podId, JSON.stringify(availability), weeklyCapacityHours, quietHours?.start ?? null, quietHours?.end ?? null, timezone, at],
        );
        return;
      }
      case 'SteppedBack': {
        const { memberId, podId, pausedAt, returnAt } = event.data;
        await query(
          em,
          `insert into member_pauses (member_id, pod_id, paused_at, return_at) values (?, ?, ?, ?)
           on conflict (member_id) do update set paused_at = excluded.paused_at, return_at = excluded.return_at`,
          [memberId, podId, pausedAt, returnAt],
        );
        return;
      }
      case 'Returned':
        await query(em, 'delete from member_pauses where member_id = ?', [event.data.memberId]);
        return;
      default:
        assertNever(event, 'member settings event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, `truncate ${TABLES.join(', ')}`);
  },
});
