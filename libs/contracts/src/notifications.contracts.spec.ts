import { AreaAlertIssuedV1, WebhookEndpointDisabledV1 } from './notifications.contracts';
import { findContract } from './registry';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const id = '4d5e6f70-8192-4dbe-af30-4b5c6d7e8f90';

describe('notifications contracts', () => {
  it('webhook-endpoint-disabled names the host only, never the path a secret may hide in', () => {
    expect(findContract('notifications.webhook-endpoint-disabled.v1')).toBe(WebhookEndpointDisabledV1);
    const disabled = {
      endpointId: id,
      podId,
      host: 'partner.example.org',
      consecutiveFailures: 5,
      lastError: 'HTTP 500',
      disabledAt: '2026-11-26T03:00:00.000Z',
    };
    expect(WebhookEndpointDisabledV1.parse(disabled).ok).toBe(true);
    expect(WebhookEndpointDisabledV1.parse({ ...disabled, consecutiveFailures: 0 }).ok).toBe(false);
  });

  it('area-alert-issued points at the public CAP document of the alert', () => {
    expect(findContract('notifications.area-alert-issued.v1')).toBe(AreaAlertIssuedV1);
    const issued = {
      alertId: id,
      podId,
      incidentId: id,
      msgType: 'Alert',
      capPath: `/public/cap/${id}.xml`,
      recipientCount: 12,
      issuedAt: '2026-11-26T03:00:00.000Z',
    };
    expect(AreaAlertIssuedV1.parse(issued).ok).toBe(true);
    expect(AreaAlertIssuedV1.parse({ ...issued, capPath: 'https://elsewhere.example/x.xml' }).ok).toBe(false);
  });
});
