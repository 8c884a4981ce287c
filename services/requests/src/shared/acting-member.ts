import { memberIdFor } from '@mutuo/contracts';
import { requirePod, type RequestContext } from '@mutuo/platform';
import type { Actor } from '../domain/help-facts';

/**
 * The member acting, with the roles their token holds now. Membership issues short-lived tokens carrying the
 * roles held at issue time (services/membership/src/tokens/access-tokens.ts), so a lapsed role ends with the token.
 */
export function actingMember(ctx: RequestContext): Actor & { podId: string } {
  const { identity, podId } = requirePod(ctx);
  return { memberId: memberIdFor(podId, identity.subject), roles: identity.roles, podId };
}
