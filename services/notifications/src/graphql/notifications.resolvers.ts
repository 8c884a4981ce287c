import type { INestApplication } from '@nestjs/common';
import { memberIdFor } from '@mutuo/contracts';
import { requirePod, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { InboxQueries } from '../inbox/inbox.queries';
import type { InboxNotification } from '../inbox/inbox-notification.entity';
import { MarkNotificationReadHandler } from '../mark-read/mark-notification-read.handler';
import type { NotificationState } from '../domain/notification.decider';

function fromState(state: Exclude<NotificationState, { status: 'none' }>): InboxNotification {
  return {
    id: state.notificationId,
    podId: state.podId,
    recipientMemberId: state.recipientMemberId,
    kind: state.kind,
    subjectId: state.subjectId,
    text: state.text,
    locale: state.locale,
    channel: state.channel,
    recordedAt: new Date(state.recordedAt),
    readAt: state.status === 'read' ? new Date(state.readAt) : null,
  };
}

export function notificationsResolvers(app: INestApplication) {
  const inbox = app.get(InboxQueries);
  const markRead = app.get(MarkNotificationReadHandler);

  return {
    Member: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // An inbox is private: only the member themself sees it, everyone else gets null.
      inbox: (member: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const { identity, podId } = requirePod(ctx);
        return memberIdFor(podId, identity.subject) === member.id ? inbox.forMember(podId, member.id) : null;
      },
    },
    Mutation: {
      markNotificationRead: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const state = await markRead.handle(args.id, ctx);
        if (state.status === 'none') throw new Error('A notification marked read must exist');
        return fromState(state);
      },
    },
    Notification: {
      kind: (notification: InboxNotification) => toGraphQLEnum(notification.kind),
      recordedAt: (notification: InboxNotification) => notification.recordedAt.toISOString(),
      readAt: (notification: InboxNotification) => notification.readAt?.toISOString() ?? null,
    },
  };
}
