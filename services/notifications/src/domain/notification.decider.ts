import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

import type { NotificationKind } from './notification-kinds';

export { NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds';

export interface NotificationDetails {
  notificationId: string;
  podId: string;
  recipientMemberId: string;
  kind: NotificationKind;
  /** The event this notification is about: with the recipient it makes the notification unique. */
  causeEventId: string;
  /** What the notification points at (a request id, say), for the inbox to link to. */
  subjectId: string;
  locale: string;
  /** Rendered when recorded, in the recipient's language, so the inbox shows what was sent. */
  text: string;
  channel: 'in-app';
}

export type NotificationState =
  | { status: 'none' }
  | ({ status: 'unread'; recordedAt: string } & NotificationDetails)
  | ({ status: 'read'; recordedAt: string; readAt: string } & NotificationDetails);

export type RecordNotification = Command<'RecordNotification', NotificationDetails>;
export type MarkNotificationRead = Command<'MarkNotificationRead', { notificationId: string; readerMemberId: string }>;
export type NotificationCommand = RecordNotification | MarkNotificationRead;

export type NotificationRecorded = DomainEvent<'NotificationRecorded', NotificationDetails & { recordedAt: string }>;
export type NotificationRead = DomainEvent<'NotificationRead', { notificationId: string; readAt: string }>;
export type NotificationEvent = NotificationRecorded | NotificationRead;

export const notificationDecider: Decider<NotificationState, NotificationCommand, NotificationEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordNotification':
        // The same event for the same recipient is recorded once, however often it arrives.
        if (state.status !== 'none') return [];
        return [
          {
            type: 'NotificationRecorded',
            data: { ...command.data, recordedAt: command.metadata.now },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      case 'MarkNotificationRead':
        if (state.status === 'none') throw new DomainRuleViolation('NOTIFICATION_NOT_FOUND', 'No such notification', 'notificationId');
        if (state.recipientMemberId !== command.data.readerMemberId) {
          // Someone else's notification is reported as missing, so ids reveal nothing.
          throw new DomainRuleViolation('NOTIFICATION_NOT_FOUND', 'No such notification', 'notificationId');
        }
        if (state.status === 'read') return [];
        return [
          {
            type: 'NotificationRead',
            data: { notificationId: command.data.notificationId, readAt: command.metadata.now },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      default:
        return assertNever(command, 'notification command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'NotificationRecorded':
        return { status: 'unread', ...event.data };
      case 'NotificationRead':
        return state.status === 'none' ? state : { ...state, status: 'read', readAt: event.data.readAt };
      default:
        return assertNever(event, 'notification event');
    }
  },
};
