import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { timestampField, uuidField } from './field-schemas';

/**
 * A partner app's webhook endpoint stopped receiving the pod's events: it failed too many deliveries in a row.
 * The pod's coordinators see it in their inbox; the partner must fix the endpoint and re-enable it.
 */
export const WebhookEndpointDisabledV1 = defineContract({
  service: 'notifications',
  name: 'webhook-endpoint-disabled',
  version: 1,
  schema: z.object({
    endpointId: uuidField(),
    podId: uuidField(),
    /** Host only (no path or query, which may carry a partner's secret). */
    host: z.string().min(1).max(253),
    consecutiveFailures: z.number().int().min(1),
    /** Why the last attempt failed, e.g. `HTTP 503` or `timeout`. */
    lastError: z.string().max(200),
    disabledAt: timestampField(),
  }),
});
export type WebhookEndpointDisabledV1Data = ContractData<typeof WebhookEndpointDisabledV1>;

/**
 * A public CAP 1.2 alert for an incident is available (`capPath` on the notifications service's public HTTP,
 * `GET /public/cap/<alertId>.xml`), and the area broadcast to members in the incident's area was decided.
 */
export const AreaAlertIssuedV1 = defineContract({
  service: 'notifications',
  name: 'area-alert-issued',
  version: 1,
  schema: z.object({
    alertId: uuidField(),
    podId: uuidField(),
    incidentId: uuidField(),
    /** `Alert` for a new incident, `Cancel` when the incident was closed. */
    msgType: z.enum(['Alert', 'Update', 'Cancel']),
    capPath: z.string().regex(/^\/public\/cap\/[0-9a-f-]{36}\.xml$/),
    /** Members whose coarse location lies in the incident's area. */
    recipientCount: z.number().int().min(0),
    issuedAt: timestampField(),
  }),
});
export type AreaAlertIssuedV1Data = ContractData<typeof AreaAlertIssuedV1>;

export const NOTIFICATIONS_CONTRACTS = [WebhookEndpointDisabledV1, AreaAlertIssuedV1] as const;
