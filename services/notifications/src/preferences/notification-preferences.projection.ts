import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { NotificationPreferencesSet } from '../domain/notification-preferences.decider';

export const notificationPreferencesProjection = defineProjection<NotificationPreferencesSet>({
  name: 'notification-preferences',
  eventTypes: ['NotificationPreferencesSet'],

  async apply(em: EntityManager, event) {
    const { data } = event;
    await query(
      em,
      `insert into notification_preferences (member_id, pod_id, channels, digests, language, plain_language, emergencies_override_quiet_hours, updated_at)
       values (?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?::jsonb, ?, ?, ?, ?)
       on conflict (member_id) do update set channels = excluded.channels, digests = excluded.digests, language = excluded.language,
         plain_language = excluded.plain_language, emergencies_override_quiet_hours = excluded.emergencies_override_quiet_hours, updated_at = excluded.updated_at`,
      [
        data.memberId,
        event.podId,
        JSON.stringify(data.channels),
        JSON.stringify(data.digests),
        data.language,
        data.plainLanguage,
        data.emergenciesOverrideQuietHours,
        data.updatedAt,
      ],
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate notification_preferences');
  },
});
