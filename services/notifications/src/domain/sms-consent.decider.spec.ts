import { spec } from '@mutuo/domain';
import { smsConsentDecider, type SmsOptedIn, type SmsOptedOut } from './sms-consent.decider';

const metadata = (now: string) => ({ now, actorId: 'system:notifications-inbound-sms' });
const keyword = (messageId: string) => ({ numberKey: 'key-of-+351912000001', messageId });
const optedOut: SmsOptedOut = {
  type: 'SmsOptedOut',
  data: { ...keyword('SM1'), optedOutAt: '2026-12-07T10:00:00.000Z' },
  metadata: { occurredAt: '2026-12-07T10:00:00.000Z', actorId: 'system:notifications-inbound-sms' },
};
const optedIn: SmsOptedIn = {
  type: 'SmsOptedIn',
  data: { ...keyword('SM2'), optedInAt: '2026-12-07T11:00:00.000Z' },
  metadata: { occurredAt: '2026-12-07T11:00:00.000Z', actorId: 'system:notifications-inbound-sms' },
};

describe('SMS consent', () => {
  it('given a number we may text, when it sends STOP, then it is opted out', () => {
    spec(smsConsentDecider)
      .given([])
      .when({ type: 'OptOutOfSms', data: keyword('SM1'), metadata: metadata('2026-12-07T10:00:00.000Z') })
      .then([optedOut]);
  });

  it('given an opted-out number, when it sends STOP again, then nothing changes', () => {
    spec(smsConsentDecider)
      .given([optedOut])
      .when({ type: 'OptOutOfSms', data: keyword('SM3'), metadata: metadata('2026-12-07T10:05:00.000Z') })
      .then([]);
  });

  it('given an opted-out number, when it sends START, then it is opted in again', () => {
    spec(smsConsentDecider)
      .given([optedOut])
      .when({ type: 'OptInToSms', data: keyword('SM2'), metadata: metadata('2026-12-07T11:00:00.000Z') })
      .then([optedIn]);
    expect(spec(smsConsentDecider).given([optedOut, optedIn]).state()).toEqual({ status: 'opted-in', since: '2026-12-07T11:00:00.000Z' });
  });

  it('given a number that never opted out, when it sends START, then nothing is recorded', () => {
    spec(smsConsentDecider)
      .given([])
      .when({ type: 'OptInToSms', data: keyword('SM2'), metadata: metadata('2026-12-07T11:00:00.000Z') })
      .then([]);
  });
});
