import { memberIdFor } from '@mutuo/contracts';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { PartnerScope } from '../auth/partner-scopes';
import type { Identity, RequestContext } from '../context/request-context';

/** What every resolver receives as its context. */
export interface SubgraphContext extends RequestContext {
  /** Already carries the request's pod, correlation id and actor. */
  readonly logger: Logger;
}

export interface PodScope {
  readonly identity: Identity;
  readonly podId: string;
}

export function unauthenticated(message = 'Sign in to do this'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** A client mistake in one input field; the client is told which. */
export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export function requireIdentity(ctx: RequestContext): Identity {
  if (!ctx.identity) throw unauthenticated();
  return ctx.identity;
}

/** The caller's pod, from their token; callers without a pod may not act on pod data. */
export function requirePod(ctx: RequestContext): PodScope {
  const identity = requireIdentity(ctx);
  if (!identity.podId) throw forbidden('This needs a pod membership: your token names no pod');
  return { identity, podId: identity.podId };
}

/**
 * The member making the request: pod and person from the verified token, never from input. It carries no token,
 * so it can travel in commands safely.
 */
export interface ActingMember {
  readonly podId: string;
  readonly memberId: string;
  /**
   * The roles the token holds now. Membership issues short-lived tokens carrying the roles held at issue time,
   * so a lapsed role ends with the token.
   */
  readonly roles: readonly string[];
}

/** The caller as a member of their pod; callers without a pod may not act as one (see requirePod). */
export function actingMember(ctx: RequestContext): ActingMember {
  const { identity, podId } = requirePod(ctx);
  return { podId, memberId: memberIdFor(podId, identity.subject), roles: identity.roles };
}

/** The caller must hold at least one of `roles`. */
export function requireRole(ctx: RequestContext, ...roles: string[]): Identity {
  const identity = requireIdentity(ctx);
  if (roles.length > 0 && !roles.some((role) => identity.roles.includes(role))) {
    throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  }
  return identity;
}

/** The code of a refusal because the token lacks a scope (RFC 6750 §3.1 names it the same). */
export const INSUFFICIENT_SCOPE = 'INSUFFICIENT_SCOPE';

/** Whether the caller's token allows `scope`: a person's token (no scopes) allows everything a member may do. */
export function hasScope(identity: Identity, scope: PartnerScope): boolean {
  return identity.scopes === undefined || identity.scopes.includes(scope);
}

/**
 * The caller must be allowed `scope`. A partner client's token allows only what it was granted; a person's
 * token carries no scope and is not limited here (the usual pod and role checks still apply).
 */
export function requireScope(ctx: RequestContext, scope: PartnerScope): Identity {
  const identity = requireIdentity(ctx);
  if (!hasScope(identity, scope)) {
    throw new GraphQLError(`This needs the scope ${scope}, which your token was not granted`, { extensions: { code: INSUFFICIENT_SCOPE } });
  }
  return identity;
}
