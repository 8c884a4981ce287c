import type { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import { INVITE_CODE_EVENT_TYPES, type InviteCodeEvent } from '../../domain/invite-code.decider';
import type { JoinApplicationApproved, JoinApplicationDeclined, JoinApplicationSubmitted } from '../../domain/member-admission.decider';
import type { MemberErased } from '../../domain/member-erasure.decider';
import type { MemberJoined } from '../../domain/member.decider';
import { FORMER_MEMBER } from '../erasure/personal-data.policy';

type AdmissionEvent = InviteCodeEvent | JoinApplicationSubmitted | JoinApplicationApproved | JoinApplicationDeclined | MemberJoined | MemberErased;

/** Invite codes (their hash, never the code) and applications to join, for coordinators. Replays change nothing. */
export const memberAdmissionProjection = defineProjection<AdmissionEvent>({
  name: 'member-admission',
  eventTypes: [...INVITE_CODE_EVENT_TYPES, 'JoinApplicationSubmitted', 'JoinApplicationApproved', 'JoinApplicationDeclined', 'MemberJoined', 'MemberErased'],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'InviteCodeCreated': {
        const { podId, codeId, codeHash, expiresAt, maxUses, label } = event.data;
        await query(
          em,
          `insert into invite_codes (code_id, pod_id, code_hash, label, expires_at, max_uses, uses, created_at, created_by_member_id)
           values (?, ?, ?, ?, ?, ?, 0, ?, ?) on conflict (code_id) do nothing`,
          [codeId, podId, codeHash, label, expiresAt, maxUses, at, memberIdFor(podId, event.metadata.actorId)],
        );
        return;
      }
      case 'InviteCodeRedeemed':
        // The event carries the count, so applying it twice leaves the same number.
        await query(em, 'update invite_codes set uses = ? where code_id = ?', [event.data.uses, event.data.codeId]);
        return;
      case 'InviteCodeRevoked':
        await query(em, 'update invite_codes set revoked_at = ? where code_id = ?', [at, event.data.codeId]);
        return;
      case 'JoinApplicationSubmitted': {
        const { memberId, podId, displayName, preferredLanguage, answers, agreementsVersion } = event.data;
        // A new application after a declined one replaces it: coordinators review the latest.
        await query(
          em,
          `insert into join_applications (member_id, pod_id, display_name, preferred_language, answers, agreements_version, status, submitted_at)
           values (?, ?, ?, ?, ?::jsonb, ?, 'pending', ?)
           on conflict (member_id) do update set display_name = excluded.display_name, preferred_language = excluded.preferred_language,
             answers = excluded.answers, agreements_version = excluded.agreements_version, status = 'pending',
             decline_reason = null, submitted_at = excluded.submitted_at, decided_at = null`,
          [memberId, podId, displayName, preferredLanguage, JSON.stringify(answers), agreementsVersion, at],
        );
        return;
      }
      case 'JoinApplicationApproved':
        await query(em, "update join_applications set status = 'approved', decided_at = ? where member_id = ?", [at, event.data.memberId]);
        return;
      case 'JoinApplicationDeclined':
        await query(em, "update join_applications set status = 'declined', decline_reason = ?, decided_at = ? where member_id = ?", [
          event.data.reason,
          at,
          event.data.memberId,
        ]);
        return;
      case 'MemberJoined':
        // Someone who joined directly while their application waited is no longer waiting (as the decider says).
        await query(em, "delete from join_applications where member_id = ? and status = 'pending'", [event.data.memberId]);
        return;
      case 'MemberErased':
        // Whatever the replay showed (events written before sealing are plain text), an erased applicant is nobody.
        await query(em, "update join_applications set display_name = ?, answers = '[]'::jsonb, decline_reason = null where member_id = ?", [
          FORMER_MEMBER,
          event.data.memberId,
        ]);
        return;
      default:
        assertNever(event, 'member admission event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate invite_codes, join_applications');
  },
});
