import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
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

/** The caller must hold at least one of `roles`. */
export function requireRole(ctx: RequestContext, ...roles: string[]): Identity {
  const identity = requireIdentity(ctx);
  if (roles.length > 0 && !roles.some((role) => identity.roles.includes(role))) {
    throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  }
  return identity;
}
