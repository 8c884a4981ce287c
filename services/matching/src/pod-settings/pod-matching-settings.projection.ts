import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { EscalationDeadlinesSet } from '../domain/pod-matching-settings.decider';
import { DEFAULT_DEADLINE_MINUTES } from '../shared/escalation-deadlines.sql';

/** The pod's tuned deadlines, next to what membership says about the pod in matching_pods. */
export const podMatchingSettingsProjection = defineProjection<EscalationDeadlinesSet>({
  name: 'pod-matching-settings',
  eventTypes: ['EscalationDeadlinesSet'],

  async apply(em: EntityManager, event) {
    const { podId, emergencyMinutes, urgentMinutes, normalMinutes } = event.data;
    await query(
      em,
      `insert into matching_pods (pod_id, emergency_deadline_minutes, urgent_deadline_minutes, normal_deadline_minutes) values (?, ?, ?, ?)
       on conflict (pod_id) do update set emergency_deadline_minutes = excluded.emergency_deadline_minutes,
         urgent_deadline_minutes = excluded.urgent_deadline_minutes, normal_deadline_minutes = excluded.normal_deadline_minutes`,
      [podId, emergencyMinutes, urgentMinutes, normalMinutes],
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'update matching_pods set emergency_deadline_minutes = ?, urgent_deadline_minutes = ?, normal_deadline_minutes = ?', [
      DEFAULT_DEADLINE_MINUTES.emergency,
      DEFAULT_DEADLINE_MINUTES.urgent,
      DEFAULT_DEADLINE_MINUTES.normal,
    ]);
  },
});
