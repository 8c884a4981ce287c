import { DomainRuleViolation } from '../decider';

/** `value` as one of `values`, or INVALID_VALUE naming the field and what it may be (a command's enum-like input). */
export function oneOf<const T extends string>(values: readonly T[], value: string, field: string): T {
  if (!(values as readonly string[]).includes(value)) {
    throw new DomainRuleViolation('INVALID_VALUE', `${field} must be one of ${values.join(', ')}`, field);
  }
  return value as T;
}
