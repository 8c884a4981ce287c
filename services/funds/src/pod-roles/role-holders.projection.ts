import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { PodRolesEvent } from '../domain/pod-roles.decider';

/** Treasurers and coordinators per pod, for listing (decisions read the role stream itself). */
export const roleHoldersProjection = defineProjection<PodRolesEvent>({
  name: 'funds-role-holders',
  eventTypes: ['PodRoleHeld', 'PodRoleEnded'],

  async apply(em: EntityManager, event) {
    if (event.type === 'PodRoleHeld') {
      await query(em, 'insert into funds_role_holders (term_id, pod_id, member_id, role) values (?, ?, ?, ?) on conflict (term_id) do nothing', [
        event.data.termId,
        event.data.podId,
        event.data.memberId,
        event.data.role,
      ]);
    } else {
      await query(em, 'delete from funds_role_holders where term_id = ?', [event.data.termId]);
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate funds_role_holders');
  },
});
