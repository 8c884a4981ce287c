/**
 * What a partner app may be granted (OAuth scopes). A person's token carries no scope and keeps full member
 * rights; a partner client's token carries only the scopes its pod's coordinators granted, and resolvers check
 * them (`requireScope` in @mutuo/platform). Kept short on purpose: each names data a pod already shares with its members.
 */
export const PARTNER_SCOPES = ['requests:read', 'requests:write', 'members:read'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export function isPartnerScope(value: string): value is PartnerScope {
  return (PARTNER_SCOPES as readonly string[]).includes(value);
}
