import { newWebhookSecret, standardWebhookHeaders, verifyStandardWebhook } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  it('match the specification’s published example', () => {
    const headers = standardWebhookHeaders(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', 1_614_265_330);

    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('verify for the same secret, id, body and a recent timestamp only', () => {
    const secret = newWebhookSecret();
    const body = '{"id":"d-1","type":"requests.request-posted.v1"}';
    const headers = standardWebhookHeaders([secret], 'd-1', body, 1_764_126_000);

    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(verifyStandardWebhook(secret, headers, body, 1_764_126_100)).toBe(true);
    expect(verifyStandardWebhook(newWebhookSecret(), headers, body, 1_764_126_100)).toBe(false);
    expect(verifyStandardWebhook(secret, headers, `${body} `, 1_764_126_100)).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, 'webhook-id': 'd-2' }, body, 1_764_126_100)).toBe(false);
    expect(verifyStandardWebhook(secret, headers, body, 1_764_126_000 + 301)).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, 'webhook-signature': 'garbage' }, body, 1_764_126_000)).toBe(false);
  });

  it('sign with the current and the previous secret during a rotation, each verifying on its own', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = standardWebhookHeaders([current, previous], 'd-1', '{}', 1_764_126_000);

    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(current, headers, '{}', 1_764_126_000)).toBe(true);
    expect(verifyStandardWebhook(previous, headers, '{}', 1_764_126_000)).toBe(true);
  });
});
