import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { query, type Projection, type StoredEvent } from '@mutuo/event-store';
import type { NotificationEvent } from '../domain/notification.decider';
import { InboxNotificationSchema } from './inbox-notification.entity';

export const inboxProjection: Projection = {
  name: 'inbox',
  eventTypes: ['NotificationRecorded', 'NotificationRead'] satisfies NotificationEvent['type'][],

  async apply(em: EntityManager, stored: StoredEvent) {
    const event = stored as unknown as NotificationEvent;
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
};
