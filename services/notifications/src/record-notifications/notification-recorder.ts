import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidV5 } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import {
  notificationDecider,
  type NotificationCommand,
  type NotificationEvent,
  type NotificationKind,
  type NotificationState,
} from '../domain/notification.decider';
import { chooseLocale, renderNotificationText } from '../domain/notification-texts';
import { RecipientSchema } from '../recipients/recipient.entity';

export const NOTIFICATIONS_ACTOR = 'system:notifications';
const NOTIFICATION_ID_NAMESPACE = '5d2c8e47-1f3a-4b6c-9e0d-7a8b1c2d3e4f';

export interface NotificationToRecord {
  readonly recipientMemberId: string;
  readonly kind: NotificationKind;
  readonly subjectId: string;
  readonly params: Record<string, string>;
  /** Used when the recipient's own language is not known yet. */
  readonly fallbackLanguage?: string;
}

/**
 * Records one in-app notification for an incoming event. The id derives from (event, recipient, kind),
 * so the same event heard twice lands on the same stream and the decider records nothing new.
 */
@Injectable()
export class NotificationRecorder {
  private readonly commands: CommandHandler<NotificationState, NotificationCommand, NotificationEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, notificationDecider);
  }

  async record(em: EntityManager, cause: ReceivedEvent, notification: NotificationToRecord): Promise<void> {
    const podId = cause.podId;
    if (!podId) throw new Error(`${cause.type} ${cause.id} names no pod: notifications are always for a pod's member`);
    const recipient = await em.findOne(RecipientSchema, { memberId: notification.recipientMemberId });
    const locale = chooseLocale(recipient?.preferredLanguage, notification.fallbackLanguage);
    const notificationId = uuidV5(`${cause.id}:${notification.recipientMemberId}:${notification.kind}`, NOTIFICATION_ID_NAMESPACE);
    await this.commands.handle(em, streamName('notification', podId, notificationId), {
      type: 'RecordNotification',
      data: {
        notificationId,
        podId,
        recipientMemberId: notification.recipientMemberId,
        kind: notification.kind,
        causeEventId: cause.id,
        subjectId: notification.subjectId,
        locale,
        text: renderNotificationText(notification.kind, locale, notification.params),
        channel: 'in-app',
      },
      metadata: commandMetadataForEvent(cause, NOTIFICATIONS_ACTOR),
    });
  }
}
