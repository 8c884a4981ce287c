import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { ContactChannelAdded, ContactChannelRemoved, ContactChannelVerified } from '../domain/member-profile.decider';
import type { MemberJoined, MemberLeft } from '../domain/member.decider';
import { emailIndexHashes } from './keyed-hashes';

type DirectoryEvent = MemberJoined | MemberLeft | ContactChannelAdded | ContactChannelRemoved | ContactChannelVerified;

/**
 * What sign-in needs to find a person without knowing their pod: which pods each person belongs to, and their
 * e-mail channels by keyed hash of the address (the address itself is not kept here). Only verified channels
 * open a sign-in. Every statement is an upsert or a delete by key, so replaying an event changes nothing.
 * Changing MEMBERSHIP_HASH_SECRET needs a rebuild of this projection (its checkpoint reset).
 */
export const signInDirectoryProjection = defineProjection<DirectoryEvent>({
  name: 'sign-in-directory',
  eventTypes: ['MemberJoined', 'MemberLeft', 'ContactChannelAdded', 'ContactChannelRemoved', 'ContactChannelVerified'],

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'MemberJoined': {
        const { memberId, podId, personId } = event.data;
        await query(em, 'insert into sign_in_people (member_id, pod_id, person_id) values (?, ?, ?) on conflict (member_id) do nothing', [
          memberId,
          podId,
          personId,
        ]);
        return;
      }
      case 'MemberLeft':
        // Gone from the pod: no sign-in into it, and its sessions end at their next refresh.
        await query(em, 'delete from sign_in_email_index where member_id = ?', [event.data.memberId]);
        await query(em, 'delete from sign_in_people where member_id = ?', [event.data.memberId]);
        return;
      case 'ContactChannelAdded': {
        const { channelId, memberId, podId, kind, value } = event.data;
        if (kind !== 'email') return;
        const hash = emailIndexHashes.current().emailAddress(value);
        if (hash === null) return;
        // The member joined earlier on the same stream, so their row is here (same pod, same projection).
        await query(
          em,
          `insert into sign_in_email_index (channel_id, pod_id, member_id, person_id, email_hash, verified_at)
           select ?, ?, ?, person_id, ?, null from sign_in_people where member_id = ?
           on conflict (channel_id) do nothing`,
          [channelId, podId, memberId, hash, memberId],
        );
        return;
      }
      case 'ContactChannelVerified':
        await query(em, 'update sign_in_email_index set verified_at = coalesce(verified_at, ?) where channel_id = ?', [
          event.metadata.occurredAt,
          event.data.channelId,
        ]);
        return;
      case 'ContactChannelRemoved':
        await query(em, 'delete from sign_in_email_index where channel_id = ?', [event.data.channelId]);
        return;
      default:
        return;
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate sign_in_email_index, sign_in_people');
  },
});
