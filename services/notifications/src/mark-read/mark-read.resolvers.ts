import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import type { NotificationState } from '../domain/notification.decider';
import type { InboxNotification } from '../shared/inbox-notification.entity';
import { requireUuid } from '../shared/graphql-input';
import { MarkNotificationReadHandler } from './mark-notification-read.handler';
import type { Resolvers } from '../graphql/schema.types';

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

export function markReadResolvers(app: INestApplication) {
  const markRead = app.get(MarkNotificationReadHandler);

  return {
    Mutation: {
      markNotificationRead: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const state = await markRead.handle(requireUuid(args.id, 'id'), ctx);
        if (state.status === 'none') throw new Error('A notification marked read must exist');
        return fromState(state);
      },
    },
  } satisfies Resolvers;
}
