import { DomainRuleViolation, spec } from '@mutuo/domain';
import { notificationDecider, type NotificationRecorded, type RecordNotification } from './notification.decider';

const metadata = { now: '2026-11-25T09:00:02.000Z', actorId: 'system:notifications', podId: 'pod-1' };
const details = {
  notificationId: 'n-1',
  podId: 'pod-1',
  recipientMemberId: 'member-ana',
  kind: 'request-posted' as const,
  causeEventId: 'evt-1',
  subjectId: 'req-1',
  locale: 'pt',
  text: 'O seu pedido "Compras" foi publicado.',
  channel: 'in-app' as const,
};
const record: RecordNotification = { type: 'RecordNotification', data: details, metadata };
const recorded: NotificationRecorded = {
  type: 'NotificationRecorded',
  data: { ...details, recordedAt: metadata.now },
  metadata: { occurredAt: metadata.now, actorId: 'system:notifications', podId: 'pod-1' },
};
const read = (readerMemberId: string) => ({
  type: 'MarkNotificationRead' as const,
  data: { notificationId: 'n-1', readerMemberId },
  metadata: { ...metadata, actorId: 'person-ana' },
});

describe('notification', () => {
  it('given nothing, when an event needs telling, then the notification is recorded unread', () => {
    spec(notificationDecider).given([]).when(record).then([recorded]);
    expect(spec(notificationDecider).given([recorded]).state()).toMatchObject({ status: 'unread' });
  });

  it('given a recorded notification, when the same event arrives again, then nothing is recorded twice', () => {
    spec(notificationDecider).given([recorded]).when(record).then([]);
  });

  it('given an unread notification, when its recipient reads it, then it is read', () => {
    spec(notificationDecider)
      .given([recorded])
      .when(read('member-ana'))
      .then([
        {
          type: 'NotificationRead',
          data: { notificationId: 'n-1', readAt: metadata.now },
          metadata: { occurredAt: metadata.now, actorId: 'person-ana', podId: 'pod-1' },
        },
      ]);
  });

  it("given someone else's notification, when a member marks it read, then it looks as if it did not exist", () => {
    spec(notificationDecider)
      .given([recorded])
      .when(read('member-bo'))
      .thenThrows(DomainRuleViolation, /No such notification/);
  });
});
