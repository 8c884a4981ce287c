import type { INestApplication } from '@nestjs/common';
import { requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import { COORDINATOR_ROLES, requireUuid } from '../shared/graphql-input';
import { DeliveryHistoryQueries, type DeliveryRecord } from '../shared/delivery/delivery-history.queries';
import type { Resolvers } from '../graphql/schema.types';

function deliveryView(record: DeliveryRecord) {
  return {
    id: record.delivery_id,
    kind: record.kind,
    channel: toGraphQLEnum(record.channel),
    status: toGraphQLEnum(record.status),
    attempts: record.attempts,
    nextAttemptAt: new Date(record.next_attempt_at).toISOString(),
    lastError: record.last_error,
    receipt: record.receipt,
    decidedAt: new Date(record.decided_at).toISOString(),
    sentAt: record.sent_at ? new Date(record.sent_at).toISOString() : null,
  };
}

export function deliveriesResolvers(app: INestApplication) {
  const history = app.get(DeliveryHistoryQueries);

  return {
    Query: {
      notificationDeliveries: async (_: unknown, args: { notificationId: string }, ctx: SubgraphContext) => {
        const { podId } = requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        return (await history.forNotification(podId, requireUuid(args.notificationId, 'notificationId'))).map(deliveryView);
      },
    },
  } satisfies Resolvers;
}
