import { DomainRuleViolation, isUuid } from '@mutuo/domain';

/** Who may manage the pod's notification set-up (webhooks, delivery history, templates, test messages). */
export const COORDINATOR_ROLES = ['coordinator', 'operator'];

export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw new DomainRuleViolation('INVALID_ID', 'Expected an id (UUID)', field);
  return value.toLowerCase();
}
