import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { PodSettingsChanged } from '../../domain/pod-settings.decider';

/** Each pod's settings as they are now (the event carries them in full). */
export const podSettingsProjection = defineProjection<PodSettingsChanged>({
  name: 'pod-settings',
  eventTypes: ['PodSettingsChanged'],

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'PodSettingsChanged': {
        const { podId, requestVisibility, escalateToNeighbours, admissionMode, joinQuestions } = event.data;
        await query(
          em,
          `insert into pod_settings (pod_id, request_visibility, escalate_to_neighbours, admission_mode, join_questions, updated_at)
           values (?, ?, ?, ?, ?::jsonb, ?)
           on conflict (pod_id) do update set request_visibility = excluded.request_visibility,
             escalate_to_neighbours = excluded.escalate_to_neighbours, admission_mode = excluded.admission_mode,
             join_questions = excluded.join_questions, updated_at = excluded.updated_at`,
          [podId, requestVisibility, escalateToNeighbours, admissionMode, JSON.stringify(joinQuestions), event.metadata.occurredAt],
        );
        return;
      }
      default:
        assertNever(event.type, 'pod settings event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate pod_settings');
  },
});
