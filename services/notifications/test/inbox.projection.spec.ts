import { randomUUID } from 'node:crypto';
import { streamName } from '@mutuo/event-store';
import { projectionScenario } from '@mutuo/testing';
import { inboxProjection } from '../src/inbox/inbox.projection';
import { notificationsService } from '../src/notifications.service';

describe('inbox projection (real PostgreSQL)', () => {
  const scenario = projectionScenario(inboxProjection, { service: notificationsService });
  beforeAll(() => scenario.open());
  afterAll(() => scenario.close());

  it('lists each recorded notification once, unread until read', async () => {
    const podId = randomUUID();
    const ana = randomUUID();
    const recorded = (notificationId: string, text: string) => ({
      stream: streamName('notification', podId, notificationId),
      type: 'NotificationRecorded' as const,
      data: {
        notificationId,
        podId,
        recipientMemberId: ana,
        kind: 'request-posted' as const,
        causeEventId: randomUUID(),
        subjectId: `request-${notificationId}`,
        locale: 'pt',
        text,
        channel: 'in-app' as const,
        recordedAt: '2026-12-01T09:00:00.000Z',
      },
    });
    const [first, second] = [randomUUID(), randomUUID()];
    await scenario.given([
      recorded(first, 'O seu pedido "Compras" foi publicado.'),
      recorded(second, 'O seu pedido "Farmácia" foi publicado.'),
      // Recorded again (a replay of the same notification): still one row.
      recorded(first, 'O seu pedido "Compras" foi publicado.'),
      { stream: streamName('notification', podId, first), type: 'NotificationRead', data: { notificationId: first, readAt: '2026-12-01T09:30:00.000Z' } },
    ]);

    await scenario.thenRows(
      'select id, text, read_at is not null as read from inbox_notifications where recipient_member_id = $1 order by text',
      [ana],
      [
        { id: first, text: 'O seu pedido "Compras" foi publicado.', read: true },
        { id: second, text: 'O seu pedido "Farmácia" foi publicado.', read: false },
      ],
    );
  });
});
