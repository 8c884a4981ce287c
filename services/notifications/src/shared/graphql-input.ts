import { DomainRuleViolation } from '@mutuo/domain';

/** Who may manage the pod's notification set-up (webhooks, delivery history, templates, test messages). */
export const COORDINATOR_ROLES = ['coordinator', 'operator'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw new DomainRuleViolation('INVALID_ID', 'Expected an id (UUID)', field);
  return value.toLowerCase();
}
