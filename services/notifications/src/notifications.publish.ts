import { AreaAlertIssuedV1, WebhookEndpointDisabledV1 } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import { capPath } from './shared/cap-path';
import type { AreaAlertIssued } from './domain/area-alert.decider';
import type { WebhookEndpointEvent } from './domain/webhook-endpoint.decider';

/** Which notifications events other services hear about, as which contract. */
export const publishNotificationsEvent = definePublication<WebhookEndpointEvent | AreaAlertIssued>({
  WebhookEndpointDisabled: (event) => ({ contract: WebhookEndpointDisabledV1, data: event.data }),
  AreaAlertIssued: (event) => {
    const { alertId, podId, incidentId, msgType, recipientCount, issuedAt } = event.data;
    return { contract: AreaAlertIssuedV1, data: { alertId, podId, incidentId, msgType, capPath: capPath(alertId), recipientCount, issuedAt } };
  },
});
