import { DomainRuleViolation, spec } from '@mutuo/domain';
import { signingSecrets, webhookEndpointDecider, type WebhookEndpointEvent } from './webhook-endpoint.decider';

const NOW = '2026-12-07T10:00:00.000Z';
const metadata = { now: NOW, actorId: 'person-coco', podId: 'pod-1' };
const eventMetadata = { occurredAt: NOW, actorId: 'person-coco', podId: 'pod-1' };

const registered: WebhookEndpointEvent = {
  type: 'WebhookEndpointRegistered',
  data: {
    endpointId: 'endpoint-1',
    podId: 'pod-1',
    url: 'https://partner.example/hook',
    secret: 'whsec_first',
    eventTypes: [],
    registeredBy: 'person-coco',
    registeredAt: NOW,
  },
  metadata: eventMetadata,
};
const rotate = (keepPreviousForHours: number) =>
  ({ type: 'RotateWebhookSecret', data: { endpointId: 'endpoint-1', secret: 'whsec_second', keepPreviousForHours }, metadata }) as const;

describe('webhook endpoint secret rotation', () => {
  it('keeps the previous secret valid for the hours asked, counted from the command’s time', () => {
    spec(webhookEndpointDecider)
      .given([registered])
      .when(rotate(24))
      .then([
        {
          type: 'WebhookSecretRotated',
          data: {
            endpointId: 'endpoint-1',
            secret: 'whsec_second',
            previousSecret: { secret: 'whsec_first', validUntil: '2026-12-08T10:00:00.000Z' },
            rotatedBy: 'person-coco',
            rotatedAt: NOW,
          },
          metadata: eventMetadata,
        },
      ]);
  });

  it('drops the previous secret at once for 0 hours', () => {
    const [rotated] = spec(webhookEndpointDecider)
      .given([registered])
      .when(rotate(0))
      .then([
        {
          type: 'WebhookSecretRotated',
          data: { endpointId: 'endpoint-1', secret: 'whsec_second', previousSecret: null, rotatedBy: 'person-coco', rotatedAt: NOW },
          metadata: eventMetadata,
        },
      ]);
    const state = spec(webhookEndpointDecider).given([registered, rotated!]).state();
    expect(state.status !== 'none' && signingSecrets(state, new Date(NOW))).toEqual(['whsec_second']);
  });

  it('signs with both secrets until the previous one’s end, then with the new one only', () => {
    const [rotated] = webhookEndpointDecider.decide(rotate(24), spec(webhookEndpointDecider).given([registered]).state());
    const state = spec(webhookEndpointDecider).given([registered, rotated!]).state();
    if (state.status === 'none') throw new Error('registered');

    expect(signingSecrets(state, new Date('2026-12-08T09:59:59.000Z'))).toEqual(['whsec_second', 'whsec_first']);
    expect(signingSecrets(state, new Date('2026-12-08T10:00:00.000Z'))).toEqual(['whsec_second']);
  });

  it('refuses a window outside 0 to 168 whole hours, and an endpoint that does not exist', () => {
    for (const hours of [-1, 169, 1.5]) {
      spec(webhookEndpointDecider)
        .given([registered])
        .when(rotate(hours))
        .thenThrows(DomainRuleViolation, /0 to 168 whole hours/);
    }
    spec(webhookEndpointDecider)
      .given([])
      .when(rotate(24))
      .thenThrows(DomainRuleViolation, /No such webhook endpoint/);
  });
});
