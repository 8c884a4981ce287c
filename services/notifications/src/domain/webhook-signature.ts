import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Partner webhooks are signed like this (documented in docs/notifications.md):
 *   Mutuo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The timestamp is inside the signed text, so an old request replayed later is refused by its age, and the
 * Mutuo-Delivery-Id header lets the receiver drop a repeat within the window.
 */
export const SIGNATURE_HEADER = 'mutuo-signature';
export const DELIVERY_ID_HEADER = 'mutuo-delivery-id';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signWebhookBody(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** What a receiver does; used by the tests of our own endpoints and given to partners as the reference. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signWebhookBody(secret, body, timestamp).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
