import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { NotificationEvent } from '../domain/notification.decider';
import { InboxNotificationSchema } from '../shared/inbox-notification.entity';

export const inboxProjection = defineProjection<NotificationEvent>({
  name: 'inbox',
  eventTypes: ['NotificationRecorded', 'NotificationRead'],

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'NotificationRecorded':
        await em.upsert(
          InboxNotificationSchema,
          {
            id: event.data.notificationId,
            podId: event.data.podId,
            recipientMemberId: event.data.recipientMemberId,
            kind: event.data.kind,
            subjectId: event.data.subjectId,
            text: event.data.text,
            locale: event.data.locale,
            channel: event.data.channel,
            recordedAt: new Date(event.data.recordedAt),
            readAt: null,
          },
          { onConflictAction: 'ignore' },
        );
        return;
      case 'NotificationRead':
        await em.nativeUpdate(InboxNotificationSchema, { id: event.data.notificationId }, { readAt: new Date(event.data.readAt) });
        return;
      default:
        assertNever(event, 'notification event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate inbox_notifications');
  },
});
