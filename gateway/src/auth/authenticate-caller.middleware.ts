import type { JwtVerifier } from '@mutuo/platform';
import type { NextFunction, Request, Response } from 'express';
import { authenticateRequest, type GatewayContext } from './authenticate-request';

/** The caller as the Authorization header names them, or why it was refused (decided later, per operation). */
export type CallerAuthentication = Pick<GatewayContext, 'authorization' | 'caller' | 'authenticationError'>;

/**
 * Verifies the token once per HTTP request, before the rate limit (which counts per caller) and the GraphQL context
 * (which reads it from res.locals). A refused token is kept, not answered: the sign-in operations run without one.
 */
export function authenticateCaller(verifier: Pick<JwtVerifier, 'verify'>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      res.locals.authentication = (await authenticateRequest(req.headers.authorization, verifier)) satisfies CallerAuthentication;
    } catch (error) {
      res.locals.authentication = { authenticationError: error } satisfies CallerAuthentication;
    }
    next();
  };
}
