import { DomainRuleViolation, isUuid } from '@mutuo/domain';

/** Ids in input are UUIDs; anything else is refused with the field named, never passed to SQL. */

export function checkUuid(value: unknown, field: string): string {
  if (!isUuid(value)) throw new DomainRuleViolation('INVALID_ID', `${field} must be a UUID`, field);
  return value.toLowerCase();
}
