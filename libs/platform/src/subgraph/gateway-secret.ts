import { createHash, timingSafeEqual } from 'node:crypto';

/** The header the gateway adds to every subgraph request. */
export const GATEWAY_SECRET_HEADER = 'x-mutuo-gateway-secret';
export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** The caller's IP address as the gateway saw it; subgraphs trust it only on requests carrying the gateway secret. */
export const CLIENT_IP_HEADER = 'x-mutuo-client-ip';

/**
 * Constant-time comparison. Hashing first gives both sides the same length, so not even the
 * secret's length leaks through timing.
 */
export function secretsMatch(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
