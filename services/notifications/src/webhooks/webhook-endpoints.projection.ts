import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { WebhookEndpointEvent } from '../domain/webhook-endpoint.decider';

export const webhookEndpointsProjection = defineProjection<WebhookEndpointEvent>({
  name: 'webhook-endpoints',
  eventTypes: [
    'WebhookEndpointRegistered',
    'WebhookAttemptFailed',
    'WebhookAttemptSucceeded',
    'WebhookEndpointDisabled',
    'WebhookEndpointEnabled',
    'WebhookSecretRotated',
  ],

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'WebhookEndpointRegistered': {
        const { data } = event;
        await query(
          em,
          `insert into webhook_endpoints (endpoint_id, pod_id, url, secret, event_types, status, consecutive_failures, registered_by, registered_at)
           values (?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), 'enabled', 0, ?, ?) on conflict do nothing`,
          [data.endpointId, data.podId, data.url, data.secret, JSON.stringify(data.eventTypes), data.registeredBy, data.registeredAt],
        );
        return;
      }
      case 'WebhookAttemptFailed':
        await query(em, 'update webhook_endpoints set consecutive_failures = ?, last_error = ? where endpoint_id = ?', [
          event.data.consecutiveFailures,
          event.data.error,
          event.data.endpointId,
        ]);
        return;
      case 'WebhookAttemptSucceeded':
        await query(em, 'update webhook_endpoints set consecutive_failures = 0, last_error = null where endpoint_id = ?', [event.data.endpointId]);
        return;
      case 'WebhookEndpointDisabled':
        await query(em, `update webhook_endpoints set status = 'disabled' where endpoint_id = ?`, [event.data.endpointId]);
        return;
      case 'WebhookEndpointEnabled':
        await query(em, `update webhook_endpoints set status = 'enabled', consecutive_failures = 0 where endpoint_id = ?`, [event.data.endpointId]);
        return;
      case 'WebhookSecretRotated':
        await query(em, 'update webhook_endpoints set secret = ? where endpoint_id = ?', [event.data.secret, event.data.endpointId]);
        return;
      default:
        assertNever(event, 'webhook endpoint event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate webhook_endpoints');
  },
});
