import { spec } from '@mutuo/domain';
import { deliveryDecider, type DeliveryDetails, type DeliveryEvent } from './delivery.decider';

const at = (time: string) => `2026-11-26T${time}.000Z`;
const metadataAt = (time: string) => ({ now: at(time), actorId: 'system:notifications', podId: 'pod-1' });
const eventMetadata = (time: string) => ({ occurredAt: at(time), actorId: 'system:notifications', podId: 'pod-1' });

const details = (channel: DeliveryDetails['channel'], overrides: Partial<DeliveryDetails> = {}): DeliveryDetails => ({
  deliveryId: 'd-1',
  podId: 'pod-1',
  notificationId: 'n-1',
  causeEventId: 'evt-1',
  kind: 'request-posted',
  recipient: { type: 'member', memberId: 'member-ana' },
  channel,
  content: { type: 'rendered', locale: 'en', subject: 'Posted', body: 'Your request is posted.' },
  fallbackChannels: channel === 'email' ? ['sms'] : [],
  expiresAt: null,
  overridesQuietHours: false,
  digest: 'immediate',
  notBefore: at('09:00:00'),
  ...overrides,
});

const decided = (channel: DeliveryDetails['channel'], overrides: Partial<DeliveryDetails> = {}): DeliveryEvent => ({
  type: 'DeliveryDecided',
  data: { ...details(channel, overrides), decidedAt: at('09:00:00') },
  metadata: eventMetadata('09:00:00'),
});
const started = (attempt: number, time: string): DeliveryEvent => ({
  type: 'DeliveryAttemptStarted',
  data: { deliveryId: 'd-1', attempt, startedAt: at(time) },
  metadata: eventMetadata(time),
});

describe('delivery', () => {
  it('given a decided delivery, when the same event is decided again, then nothing new is recorded', () => {
    spec(deliveryDecider)
      .given([decided('email')])
      .when({ type: 'DecideDelivery', data: details('email'), metadata: metadataAt('09:00:05') })
      .then([]);
  });

  it('given a due delivery, when a send starts, then it is marked sending before anything goes out', () => {
    spec(deliveryDecider)
      .given([decided('email')])
      .when({ type: 'StartSendAttempt', data: { deliveryId: 'd-1' }, metadata: metadataAt('09:00:01') })
      .then([started(1, '09:00:01')]);
  });

  it('given an e-mail interrupted mid-send, when the worker recovers it, then it is never sent again', () => {
    spec(deliveryDecider)
      .given([decided('email'), started(1, '09:00:01')])
      .when({ type: 'RecoverInterruptedSend', data: { deliveryId: 'd-1' }, metadata: metadataAt('09:10:00') })
      .then([{ type: 'DeliveryOutcomeUnknown', data: { deliveryId: 'd-1', since: at('09:00:01') }, metadata: eventMetadata('09:10:00') }]);
  });

  it('given an SMS interrupted mid-send, when the worker recovers it, then it is retried (the provider deduplicates)', () => {
    spec(deliveryDecider)
      .given([decided('sms'), started(1, '09:00:01')])
      .when({ type: 'RecoverInterruptedSend', data: { deliveryId: 'd-1' }, metadata: metadataAt('09:10:00') })
      .then([
        {
          type: 'DeliveryAttemptFailed',
          data: { deliveryId: 'd-1', attempt: 1, error: 'interrupted', retryAt: at('09:10:00') },
          metadata: eventMetadata('09:10:00'),
        },
      ]);
  });

  it('given a send the provider refused for now, when recorded, then it is retried with exponential backoff', () => {
    const refused = { type: 'not-sent' as const, permanent: false, error: '451 try later' };
    spec(deliveryDecider)
      .given([decided('email'), started(1, '09:00:01')])
      .when({ type: 'RecordSendOutcome', data: { deliveryId: 'd-1', outcome: refused }, metadata: metadataAt('09:00:02') })
      .then([
        {
          type: 'DeliveryAttemptFailed',
          data: { deliveryId: 'd-1', attempt: 1, error: '451 try later', retryAt: at('09:00:32') },
          metadata: eventMetadata('09:00:02'),
        },
      ]);
    spec(deliveryDecider)
      .given([
        decided('email'),
        started(1, '09:00:01'),
        { type: 'DeliveryAttemptFailed', data: { deliveryId: 'd-1', attempt: 1, error: 'x', retryAt: at('09:00:32') }, metadata: eventMetadata('09:00:02') },
        started(2, '09:00:40'),
      ])
      .when({ type: 'RecordSendOutcome', data: { deliveryId: 'd-1', outcome: refused }, metadata: metadataAt('09:00:41') })
      .then([
        {
          type: 'DeliveryAttemptFailed',
          data: { deliveryId: 'd-1', attempt: 2, error: '451 try later', retryAt: at('09:01:41') },
          metadata: eventMetadata('09:00:41'),
        },
      ]);
  });

  it('given a permanent refusal, when recorded, then the delivery fails and names the next channel', () => {
    spec(deliveryDecider)
      .given([decided('email'), started(1, '09:00:01')])
      .when({
        type: 'RecordSendOutcome',
        data: { deliveryId: 'd-1', outcome: { type: 'not-sent', permanent: true, error: '550 no such mailbox' } },
        metadata: metadataAt('09:00:02'),
      })
      .then([
        {
          type: 'DeliveryFailed',
          data: { deliveryId: 'd-1', reason: '550 no such mailbox', failedAt: at('09:00:02'), fallbackChannel: 'sms' },
          metadata: eventMetadata('09:00:02'),
        },
      ]);
  });

  it('given an expired code, when its send is due, then it expires instead of going out', () => {
    spec(deliveryDecider)
      .given([decided('email', { kind: 'sign-in-code', expiresAt: at('09:00:00') })])
      .when({ type: 'StartSendAttempt', data: { deliveryId: 'd-1' }, metadata: metadataAt('09:00:01') })
      .then([{ type: 'DeliveryExpired', data: { deliveryId: 'd-1', at: at('09:00:01') }, metadata: eventMetadata('09:00:01') }]);
  });

  it('given a postponed delivery, when its send is tried early, then nothing happens', () => {
    spec(deliveryDecider)
      .given([
        decided('email'),
        { type: 'DeliveryPostponed', data: { deliveryId: 'd-1', until: at('10:00:00'), reason: 'quiet-hours' }, metadata: eventMetadata('09:00:01') },
      ])
      .when({ type: 'StartSendAttempt', data: { deliveryId: 'd-1' }, metadata: metadataAt('09:30:00') })
      .then([]);
  });

  it('given a sent SMS, when the receipt says undelivered, then it fails over to the next channel', () => {
    spec(deliveryDecider)
      .given([
        decided('sms', { fallbackChannels: ['email'] }),
        started(1, '09:00:01'),
        { type: 'DeliverySent', data: { deliveryId: 'd-1', providerMessageId: 'SM1', sentAt: at('09:00:02') }, metadata: eventMetadata('09:00:02') },
      ])
      .when({ type: 'RecordDeliveryReceipt', data: { deliveryId: 'd-1', providerMessageId: 'SM1', status: 'undelivered' }, metadata: metadataAt('09:01:00') })
      .then([
        { type: 'DeliveryReceiptRecorded', data: { deliveryId: 'd-1', status: 'undelivered', at: at('09:01:00') }, metadata: eventMetadata('09:01:00') },
        {
          type: 'DeliveryFailed',
          data: { deliveryId: 'd-1', reason: 'The provider could not deliver it', failedAt: at('09:01:00'), fallbackChannel: 'email' },
          metadata: eventMetadata('09:01:00'),
        },
      ]);
  });
});
