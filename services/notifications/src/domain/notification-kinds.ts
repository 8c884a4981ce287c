/** Everything notifications tells people about. Each kind has a template in every shipped locale and variant. */
export const NOTIFICATION_KINDS = [
  'welcome',
  'request-posted',
  'match-made',
  'incident-declared',
  'incident-closed',
  'role-term-ending',
  'coordinator-gap',
  'webhook-endpoint-disabled',
  'sign-in-code',
  'contact-verification-code',
  'phone-tree-call',
  'helper-suggested',
  'match-withdrawn',
  'disbursement-proposed',
  'budget-exceeded',
  'request-fulfilled',
  'proposal-opened',
  'proposal-deadline-near',
  'proposal-decided',
  'digest',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds that are never held for a digest or a rate limit: a code or an emergency is useless later. */
export const TIME_CRITICAL_KINDS: readonly NotificationKind[] = ['sign-in-code', 'contact-verification-code', 'incident-declared', 'phone-tree-call'];

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
