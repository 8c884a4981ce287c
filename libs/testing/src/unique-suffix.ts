import { randomBytes } from 'node:crypto';

/**
 * A short lowercase suffix that is unique across concurrent test runs and valid in database
 * names, role names, NATS stream names and subjects.
 */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
