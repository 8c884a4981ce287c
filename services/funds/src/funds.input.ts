import { DomainRuleViolation } from '@mutuo/domain';

/** Ids in input are UUIDs; anything else is refused with the field named, never passed to SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new DomainRuleViolation('INVALID_ID', `${field} must be a UUID`, field);
  return value.toLowerCase();
}
