import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The key of a phone number in event streams: a keyed hash (HMAC-SHA256 with a key derived from the code delivery
 * key), so events say "this number opted out" without naming it, and a list of numbers cannot be tried against them.
 */
export function smsNumberKey(deliveryKey: Buffer, phone: string): string {
  const key = Buffer.from(hkdfSync('sha256', deliveryKey, 'mutuo-notifications', 'sms-number', 32));
  return createHmac('sha256', key).update(phone, 'utf8').digest('hex').slice(0, 40);
}
