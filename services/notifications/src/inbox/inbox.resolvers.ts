import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { ownMemberPod } from '../shared/own-member';
import type { InboxNotification } from '../shared/inbox-notification.entity';
import { InboxQueries } from './inbox.queries';
import type { Resolvers } from '../graphql/schema.types';

export function inboxResolvers(app: INestApplication) {
  const inbox = app.get(InboxQueries);

  return {
    Member: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // An inbox is private: only the member themself sees it, everyone else gets null.
      inbox: (member: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = ownMemberPod(member, ctx);
        return podId ? inbox.forMember(podId, member.id) : null;
      },
    },
    Notification: {
      kind: (notification: InboxNotification) => toGraphQLEnum(notification.kind),
      recordedAt: (notification: InboxNotification) => notification.recordedAt.toISOString(),
      readAt: (notification: InboxNotification) => notification.readAt?.toISOString() ?? null,
    },
  } satisfies Resolvers;
}
