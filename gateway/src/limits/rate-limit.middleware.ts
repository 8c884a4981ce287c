import type { NextFunction, Request, Response } from 'express';
import type { CallerAuthentication } from '../auth/authenticate-caller.middleware';
import { FixedWindowRateLimiter } from './rate-limiter';

export const RATE_LIMITED = 'RATE_LIMITED';
const WINDOW_SECONDS = 60;

export interface RateLimits {
  /** Requests per minute of one signed-in caller: a person (by subject) or a partner client (by client id); 0: off. */
  readonly perMinute: number;
  /** Requests per minute from one address without a valid token; 0: off. */
  readonly anonymousPerMinute: number;
  /** Callers tracked at once (memory bound). */
  readonly trackedCallers: number;
}

/**
 * Per-caller quotas on /graphql, announced on every answer with the IETF RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy: "member";q=600;w=60` and `RateLimit: "member";r=599;t=60`).
 * Past the quota the answer is HTTP 429 with Retry-After and the GraphQL error code RATE_LIMITED, before any parsing
 * or subgraph call, so a burst sheds load cheaply. Runs after the caller is authenticated (res.locals.authentication).
 */
export function rateLimitCallers(limits: RateLimits, clock: () => number = Date.now) {
  const limiter = new FixedWindowRateLimiter(WINDOW_SECONDS * 1000, limits.trackedCallers);
  return (req: Request, res: Response, next: NextFunction): void => {
    const caller = (res.locals.authentication as CallerAuthentication | undefined)?.caller;
    const [policy, key, limit] = caller
      ? caller.clientId
        ? (['partner', `client:${caller.clientId}`, limits.perMinute] as const)
        : (['member', `subject:${caller.subject}`, limits.perMinute] as const)
      : (['anonymous', `address:${req.ip ?? 'unknown'}`, limits.anonymousPerMinute] as const);
    if (limit === 0) {
      next();
      return;
    }
    const decision = limiter.take(key, limit, clock());
    res.setHeader('RateLimit-Policy', `"${policy}";q=${limit};w=${WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `"${policy}";r=${decision.remaining};t=${decision.resetSeconds}`);
    if (decision.allowed) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(decision.resetSeconds));
    res.status(429).json({
      errors: [
        {
          message: `Too many requests: ${limit} a minute are allowed; try again in ${decision.resetSeconds} s`,
          extensions: { code: RATE_LIMITED, retryAfterSeconds: decision.resetSeconds },
        },
      ],
    });
  };
}
