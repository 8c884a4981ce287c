import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { TokenRejectedError, type CallerIdentity, type JwtVerifier } from './jwt-verifier';

export const UNAUTHENTICATED = 'UNAUTHENTICATED';

/** What every resolver and subgraph request of one operation knows about its caller. */
export interface GatewayContext {
  correlationId: string;
  /** The caller's Authorization header, verified, forwarded as-is so subgraphs can verify it again. */
  authorization: string;
  caller: CallerIdentity;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*)$/;

/**
 * Resolves the caller of an HTTP request from its Authorization header. Failures are GraphQL errors with code
 * UNAUTHENTICATED and HTTP status 401 (with a WWW-Authenticate challenge, RFC 6750).
 */
export async function authenticateRequest(
  authorization: string | undefined,
  verify: JwtVerifier,
): Promise<{ authorization: string; caller: CallerIdentity }> {
  if (!authorization) {
    throw unauthenticated('Authentication required: send an "Authorization: Bearer <token>" header', 'Bearer realm="mutuo"');
  }
  const match = BEARER.exec(authorization.trim());
  if (!match) {
    throw unauthenticated(
      'Authentication required: the Authorization header must be "Bearer <token>" with a JSON Web Token',
      'Bearer realm="mutuo", error="invalid_request"',
    );
  }
  try {
    return { authorization: `Bearer ${match[1]}`, caller: await verify(match[1]) };
  } catch (error) {
    if (error instanceof TokenRejectedError) {
      throw unauthenticated(error.message, 'Bearer realm="mutuo", error="invalid_token"');
    }
    throw error;
  }
}

function unauthenticated(message: string, challenge: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: UNAUTHENTICATED,
      http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) },
    },
  });
}
