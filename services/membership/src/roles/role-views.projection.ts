import type { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query, type StoredEvent } from '@mutuo/event-store';
import { POD_ROLES_EVENT_TYPES, type PodRolesEvent } from '../domain/pod-roles.decider';
import type { RoleHistoryKind, RoleTermEndReason } from '../shared/role-views.entity';

/**
 * Role terms, policies and history as queries and the scheduler read them. Every statement is an insert
 * that ignores a replayed row or an update to a fixed value, so applying an event twice changes nothing.
 */
export const roleViewsProjection = defineProjection<PodRolesEvent>({
  name: 'role-views',
  eventTypes: POD_ROLES_EVENT_TYPES,

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'RolePolicySet': {
        const { podId, termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, customRoles } = event.data;
        await query(
          em,
          `insert into role_policies (pod_id, term_length_days, max_consecutive_terms, term_ending_notice_days, coordinator_grace_days, custom_roles, updated_at)
           values (?, ?, ?, ?, ?, ?::jsonb, ?)
           on conflict (pod_id) do update set term_length_days = excluded.term_length_days, max_consecutive_terms = excluded.max_consecutive_terms,
             term_ending_notice_days = excluded.term_ending_notice_days, coordinator_grace_days = excluded.coordinator_grace_days,
             custom_roles = excluded.custom_roles, updated_at = excluded.updated_at
           where role_policies.updated_at <= excluded.updated_at`,
          [podId, termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, JSON.stringify(customRoles), at],
        );
        await record(
          em,
          event,
          'policy-set',
          { role: null, memberId: null },
          { termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, customRoles },
        );
        return;
      }
      case 'RoleGranted': {
        const { termId, memberId, role, termEnd, consecutiveTerms, via, fromMemberId } = event.data;
        await insertTerm(em, event.data);
        await record(em, event, 'granted', { role, memberId, toMemberId: null }, { termId, termEnd, consecutiveTerms, via, fromMemberId });
        return;
      }
      case 'RoleTermRenewed': {
        const { termId, previousTermId, memberId, role, termStart, termEnd, consecutiveTerms } = event.data;
        // The previous term runs on until the next one starts; as a current holding the new term replaces it.
        await endTerm(em, previousTermId, termStart, 'renewed');
        await insertTerm(em, event.data);
        await record(em, event, 'renewed', { role, memberId }, { termId, previousTermId, termStart, termEnd, consecutiveTerms });
        return;
      }
      case 'RoleHandedOver': {
        const { termId, role, fromMemberId, toMemberId, endedAt } = event.data;
        await endTerm(em, termId, endedAt, 'handed-over');
        await record(em, event, 'handed-over', { role, memberId: fromMemberId, toMemberId }, { termId });
        return;
      }
      case 'RoleSteppedDown': {
        const { termId, role, memberId, endedAt } = event.data;
        await endTerm(em, termId, endedAt, 'stepped-down');
        await record(em, event, 'stepped-down', { role, memberId }, { termId });
        return;
      }
      case 'RoleTermEndingWarned': {
        const { termId, role, memberId, termEnd, renewable } = event.data;
        await query(em, 'update role_terms set warned_at = coalesce(warned_at, ?) where term_id = ?', [at, termId]);
        await record(em, event, 'term-ending-warned', { role, memberId }, { termId, termEnd, renewable });
        return;
      }
      case 'RoleLapsed': {
        const { termId, role, memberId, endedAt } = event.data;
        await endTerm(em, termId, endedAt, 'lapsed');
        await record(em, event, 'lapsed', { role, memberId }, { termId, endedAt });
        return;
      }
      case 'CoordinatorGapAlerted': {
        const { termId, memberId, reason, graceUntil } = event.data;
        if (graceUntil !== null) {
          await query(em, `update role_terms set status = 'grace', grace_until = ? where term_id = ? and status <> 'ended'`, [graceUntil, termId]);
        }
        await record(em, event, 'coordinator-gap-alerted', { role: 'coordinator', memberId }, { termId, reason, graceUntil });
        return;
      }
      default:
        assertNever(event, 'pod roles event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate role_terms, role_policies, role_history');
  },
});

interface NewTermRow {
  podId: string;
  termId: string;
  memberId: string;
  role: string;
  termStart: string;
  termEnd: string;
  warnFrom: string;
  consecutiveTerms: number;
}

async function insertTerm(em: EntityManager, term: NewTermRow): Promise<void> {
  await query(
    em,
    `insert into role_terms (term_id, pod_id, member_id, role, term_start, term_end, warn_from, consecutive_terms, status)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'active') on conflict (term_id) do nothing`,
    [term.termId, term.podId, term.memberId, term.role, term.termStart, term.termEnd, term.warnFrom, term.consecutiveTerms],
  );
}

async function endTerm(em: EntityManager, termId: string, endedAt: string, reason: RoleTermEndReason): Promise<void> {
  await query(em, `update role_terms set status = 'ended', ended_at = ?, end_reason = ? where term_id = ? and status <> 'ended'`, [endedAt, reason, termId]);
}

async function record(
  em: EntityManager,
  stored: StoredEvent,
  kind: RoleHistoryKind,
  who: { role: string | null; memberId: string | null; toMemberId?: string | null },
  details: Record<string, unknown>,
): Promise<void> {
  const podId = stored.podId!;
  const actor = stored.metadata.actorId;
  // People act as themselves; the scheduler and other services act as `system:<name>` and are no member.
  const actorMemberId = actor.startsWith('system:') ? null : memberIdFor(podId, actor);
  await query(
    em,
    `insert into role_history (pod_id, position, kind, role, member_id, to_member_id, actor_member_id, occurred_at, details)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) on conflict (pod_id, position) do nothing`,
    [podId, stored.streamPosition, kind, who.role, who.memberId, who.toMemberId ?? null, actorMemberId, stored.metadata.occurredAt, JSON.stringify(details)],
  );
}
