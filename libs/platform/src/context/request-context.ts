import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { CommandMetadata } from '@mutuo/domain';

/** Who is calling, as proven by a verified token. */
export interface Identity {
  readonly subject: string;
  readonly podId?: string;
  readonly regionId?: string;
  readonly roles: readonly string[];
  /** The partner client acting (client-credentials token); absent for a person. */
  readonly clientId?: string;
  /**
   * What the token may do, when it is limited: a partner client's granted scopes (possibly none).
   * Absent on a person's token, which carries full member rights. Check with `requireScope`.
   */
  readonly scopes?: readonly string[];
  /** The sign-in session the token belongs to (a person's token issued by membership). */
  readonly sessionId?: string;
  /** The raw bearer token, for calls made on the caller's behalf. Never log it. */
  readonly token: string;
}

/** Everything a request carries across async boundaries: logs, commands and outgoing messages read it. */
export interface RequestContext {
  readonly identity?: Identity;
  readonly podId?: string;
  readonly regionId?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /**
   * The caller's IP address as the gateway saw it (forwarded in `x-mutuo-client-ip`, trusted only with the
   * gateway secret). For rate limits of anonymous operations; absent when unknown.
   */
  readonly clientIp?: string;
}

/** `requestContext.run(ctx, fn)` makes `ctx` the current context for `fn` and everything it awaits. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return requestContext.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Accepts a caller's correlation id only when it is short and plain, so a crafted header cannot
 * smuggle text into logs; otherwise starts a new correlation.
 */
export function correlationIdFrom(header: string | readonly string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : newCorrelationId();
}

/** The context for an authenticated request: pod and region come from the token, never from the client's input. */
export function contextForIdentity(identity: Identity | undefined, correlationId: string, causationId?: string): RequestContext {
  return {
    identity,
    podId: identity?.podId,
    regionId: identity?.regionId,
    correlationId,
    ...(causationId ? { causationId } : {}),
  };
}

/**
 * Metadata for a command handled on behalf of the current caller: actor, pod and correlation all
 * come from the verified request, never from the client's input.
 */
export function commandMetadataFrom(ctx: RequestContext, now: Date): CommandMetadata {
  if (!ctx.identity) throw new Error('A command needs an authenticated caller');
  return {
    now: now.toISOString(),
    actorId: ctx.identity.subject,
    ...(ctx.podId ? { podId: ctx.podId } : {}),
    ...(ctx.regionId ? { regionId: ctx.regionId } : {}),
    correlationId: ctx.correlationId,
    ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
  };
}
