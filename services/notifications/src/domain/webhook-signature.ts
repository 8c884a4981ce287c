import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Partner webhooks follow the Standard Webhooks specification (https://www.standardwebhooks.com, documented in
 * docs/notifications.md), so a partner verifies them with any of its libraries:
 *   webhook-id: <the delivery id; the same on every retry, so a receiver drops repeats>
 *   webhook-timestamp: <unix seconds>
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")> [v1,<…> with the previous secret]
 * The key is the secret without its `whsec_` prefix, base64-decoded. While a rotated secret's previous one is still
 * valid, both sign, so a receiver that has not switched yet keeps verifying.
 */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, in the `whsec_<base64>` form the Standard Webhooks libraries take. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
}

/** The three headers of one post, signed with every secret given (the current one first). */
export function standardWebhookHeaders(secrets: readonly string[], id: string, body: string, timestampSeconds: number): Record<string, string> {
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestampSeconds),
    [WEBHOOK_SIGNATURE_HEADER]: secrets.map((secret) => `v1,${signature(secret, id, timestampSeconds, body)}`).join(' '),
  };
}

/** What a receiver does, per the specification: used by our tests and given to partners as the reference. */
export function verifyStandardWebhook(
  secret: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const id = headers[WEBHOOK_ID_HEADER];
  const timestamp = Number(headers[WEBHOOK_TIMESTAMP_HEADER]);
  const signatures = headers[WEBHOOK_SIGNATURE_HEADER];
  if (!id || !signatures || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, id, timestamp, body), 'base64');
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
