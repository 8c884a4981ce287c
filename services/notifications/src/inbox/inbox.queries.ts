import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { InboxNotificationSchema, type InboxNotification } from '../shared/inbox-notification.entity';

export interface Inbox {
  readonly unreadCount: number;
  readonly notifications: InboxNotification[];
}

const INBOX_PAGE = 50;

@Injectable()
export class InboxQueries {
  constructor(private readonly em: EntityManager) {}

  forMember(podId: string, memberId: string): Promise<Inbox> {
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const notifications = await tx.find(
        InboxNotificationSchema,
        { recipientMemberId: memberId },
        { orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }], limit: INBOX_PAGE },
      );
      const unreadCount = await tx.count(InboxNotificationSchema, { recipientMemberId: memberId, readAt: null });
      return { unreadCount, notifications };
    });
  }
}
