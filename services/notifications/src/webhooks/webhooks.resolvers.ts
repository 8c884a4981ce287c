import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { setTransactionPod } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum, Clock } from '@mutuo/service-kit';
import { DeliveryCommands } from '../shared/delivery/delivery-commands';
import { DeliveryHistoryQueries } from '../shared/delivery/delivery-history.queries';
import { DeliveryWorker } from '../shared/delivery/delivery.worker';
import { deliveryIdFor } from '../shared/delivery/notification-dispatcher';
import type { WebhookEndpointState } from '../domain/webhook-endpoint.decider';
import { COORDINATOR_ROLES, requireUuid } from '../shared/graphql-input';
import { WebhookEndpointsHandler } from '../shared/webhook-endpoints.handler';
import type { Resolvers } from '../graphql/schema.types';

type Endpoint = Exclude<WebhookEndpointState, { status: 'none' }>;

const endpointView = (endpoint: Endpoint) => ({
  id: endpoint.endpointId,
  url: endpoint.url,
  eventTypes: endpoint.eventTypes,
  status: toGraphQLEnum(endpoint.status),
  consecutiveFailures: endpoint.consecutiveFailures,
  lastError: endpoint.lastError,
});

/** Partner webhooks: coordinators register, list, test-fire and re-enable the pod's endpoints. */
export function webhooksResolvers(app: INestApplication) {
  const endpoints = app.get(WebhookEndpointsHandler);
  const history = app.get(DeliveryHistoryQueries);
  const deliveries = app.get(DeliveryCommands);
  const worker = app.get(DeliveryWorker);
  const clock = app.get(Clock);
  const em = app.get(EntityManager);
  const coordinator = (ctx: SubgraphContext) => {
    const scope = requirePod(ctx);
    requireRole(ctx, ...COORDINATOR_ROLES);
    return scope;
  };
  const existing = async (podId: string, id: string): Promise<Endpoint> => {
    const state = await endpoints.load(podId, requireUuid(id, 'id'));
    if (state.status === 'none' || state.podId !== podId) throw new DomainRuleViolation('WEBHOOK_ENDPOINT_NOT_FOUND', 'No such webhook endpoint', 'id');
    return state;
  };

  return {
    Query: {
      webhookEndpoints: async (_: unknown, __: unknown, ctx: SubgraphContext) => {
        const { podId } = coordinator(ctx);
        return (await history.webhookEndpoints(podId)).map((row) => ({
          id: row.endpoint_id,
          url: row.url,
          eventTypes: row.event_types,
          status: toGraphQLEnum(row.status),
          consecutiveFailures: row.consecutive_failures,
          lastError: row.last_error,
        }));
      },
    },
    Mutation: {
      registerWebhookEndpoint: async (
        _: unknown,
        args: { url: string; eventTypes?: string[] | null; idempotencyKey?: string | null },
        ctx: SubgraphContext,
      ) => {
        const { podId } = coordinator(ctx);
        const state = await endpoints.register(
          podId,
          { url: args.url, eventTypes: args.eventTypes ?? [] },
          commandMetadataFrom(ctx, clock.now()),
          args.idempotencyKey ?? null,
        );
        if (state.status === 'none') throw new Error('A registered endpoint must exist');
        return { endpoint: endpointView(state), secret: state.secret };
      },
      rotateWebhookSecret: async (_: unknown, args: { id: string; keepPreviousForHours: number }, ctx: SubgraphContext) => {
        const { podId } = coordinator(ctx);
        await existing(podId, args.id);
        const state = await endpoints.rotateSecret(podId, args.id, args.keepPreviousForHours, commandMetadataFrom(ctx, clock.now()));
        if (state.status === 'none') throw new Error('A rotated endpoint must exist');
        return { endpoint: endpointView(state), secret: state.secret };
      },
      enableWebhookEndpoint: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const { podId } = coordinator(ctx);
        await existing(podId, args.id);
        const state = await endpoints.enable(podId, args.id, commandMetadataFrom(ctx, clock.now()));
        return endpointView(state as Endpoint);
      },
      testFireWebhookEndpoint: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const { podId } = coordinator(ctx);
        const endpoint = await existing(podId, args.id);
        if (endpoint.status === 'disabled') throw new DomainRuleViolation('WEBHOOK_ENDPOINT_DISABLED', 'Enable the endpoint before test-firing it', 'id');
        const metadata = commandMetadataFrom(ctx, clock.now());
        const causeEventId = randomUUID();
        const deliveryId = deliveryIdFor(causeEventId, endpoint.endpointId, 'webhook');
        await em.fork().transactional(async (tx) => {
          await setTransactionPod(tx, podId);
          await deliveries.decide(
            tx,
            {
              deliveryId,
              podId,
              notificationId: null,
              causeEventId,
              kind: 'partner-event',
              recipient: { type: 'webhook-endpoint', endpointId: endpoint.endpointId },
              channel: 'webhook',
              content: {
                type: 'webhook-payload',
                eventType: 'notifications.webhook-test.v1',
                payload: { message: 'Test event from Mutuo', firedAt: metadata.now },
              },
              fallbackChannels: [],
              expiresAt: null,
              overridesQuietHours: true,
              digest: 'immediate',
              notBefore: metadata.now,
            },
            metadata,
          );
        });
        const state = await worker.deliverNow(podId, deliveryId);
        return {
          deliveryId,
          status: toGraphQLEnum(state.status),
          error: state.status === 'pending' ? state.lastError : state.status === 'failed' ? state.reason : null,
        };
      },
    },
  } satisfies Resolvers;
}
