import { randomUUID } from 'node:crypto';
import { itCreatesOncePerIdempotencyKey, startServiceUnderTest, type ServiceUnderTest } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { TEST_REGION } from './support/event-publisher';

/** Registering a partner webhook endpoint takes an idempotency key (real PostgreSQL and NATS). */
describe('notifications idempotency keys (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const podId = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_idempotency',
      appRole: 'mutuo_notifications_app',
      // The endpoints are only registered, never called: a loopback address is enough.
      env: { REGION: TEST_REGION, NOTIFICATIONS_WORKER_ENABLED: 'false', NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
    });
  }, 60_000);
  afterAll(() => sut?.stop(), 30_000);

  itCreatesOncePerIdempotencyKey('registerWebhookEndpoint', () => ({
    adminUrl: sut.db.adminUrl,
    eventType: 'WebhookEndpointRegistered',
    create: async (subject: string, idempotencyKey: string | null, variant: string) =>
      sut.graphql<Record<string, unknown>>(
        await sut.token(subject, podId, ['member', 'coordinator']),
        'mutation($url: String!, $key: String) { registerWebhookEndpoint(url: $url, idempotencyKey: $key) { secret endpoint { id } } }',
        { url: `https://127.0.0.1:9/hooks/${variant}`, key: idempotencyKey },
      ),
    idOf: (data: Record<string, unknown>) => (data.registerWebhookEndpoint as { endpoint: { id: string } }).endpoint.id,
  }));
});
