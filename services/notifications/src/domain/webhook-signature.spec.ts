import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"id":"d-1","type":"requests.request-posted.v1"}';

  it('verify for the same secret, body and a recent timestamp only', () => {
    const header = signWebhookBody('s3cret', body, 1_764_126_000);
    expect(header).toMatch(/^t=1764126000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s3cret', body, header, 1_764_126_100)).toBe(true);
    expect(verifyWebhookSignature('other', body, header, 1_764_126_100)).toBe(false);
    expect(verifyWebhookSignature('s3cret', `${body} `, header, 1_764_126_100)).toBe(false);
    expect(verifyWebhookSignature('s3cret', body, header, 1_764_126_000 + 301)).toBe(false);
    expect(verifyWebhookSignature('s3cret', body, 'garbage', 1_764_126_000)).toBe(false);
  });
});
