import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio-style request signature: base64 HMAC-SHA1 with the account's auth token over the full URL followed by each
 * POST parameter's name and value, sorted by name. The provider signs its delivery receipts so; we check them.
 */
export function smsRequestSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const text = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(text, 'utf8').digest('base64');
}

export function isValidSmsRequestSignature(authToken: string, url: string, params: Readonly<Record<string, string>>, signature: string): boolean {
  const expected = Buffer.from(smsRequestSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
