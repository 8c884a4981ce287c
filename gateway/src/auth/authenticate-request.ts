import { HeaderMap } from '@apollo/server';
import { AuthenticationError, bearerTokenFrom, type Identity, type JwtVerifier } from '@mutuo/platform';
import { GraphQLError } from 'graphql';

export const UNAUTHENTICATED = 'UNAUTHENTICATED';

/** What every resolver and subgraph request of one operation knows about its caller. */
export interface GatewayContext {
  correlationId: string;
  /**
   * The caller's Authorization header, verified, forwarded as-is so subgraphs can verify it again. Absent for an
   * anonymous caller, who may only run the operations `operationPolicyPlugin` lets through without a token.
   */
  authorization?: string;
  caller?: Identity;
  /**
   * Why the Authorization header was refused, kept until the operation is known: the sign-in operations ignore the
   * header (a client may still send its expired token while refreshing), every other operation fails with this.
   */
  authenticationError?: unknown;
  /** The caller's IP address, forwarded to subgraphs for rate limits of anonymous operations. */
  clientIp?: string;
}

export const MISSING_TOKEN_MESSAGE = 'Authentication required: send an "Authorization: Bearer <token>" header';
export const MISSING_TOKEN_CHALLENGE = 'Bearer realm="mutuo"';

/**
 * Resolves the caller of an HTTP request from its Authorization header; without one the caller is anonymous
 * (undefined) and the operation policy decides later whether the operation is open to them. Failures are GraphQL
 * errors with code UNAUTHENTICATED and HTTP status 401 (with a WWW-Authenticate challenge, RFC 6750). A token the
 * gateway could not check for its own reasons (its JWKS endpoint is down) is no fault of the caller's: that error goes
 * through unchanged and becomes a masked internal error.
 */
export async function authenticateRequest(
  authorization: string | undefined,
  verifier: Pick<JwtVerifier, 'verify'>,
): Promise<{ authorization?: string; caller?: Identity }> {
  let token: string | undefined;
  try {
    token = bearerTokenFrom(authorization);
  } catch (error) {
    if (error instanceof AuthenticationError) throw unauthenticated(error.message, 'Bearer realm="mutuo", error="invalid_request"');
    throw error;
  }
  if (token === undefined) return {};
  try {
    return { authorization: `Bearer ${token}`, caller: await verifier.verify(token) };
  } catch (error) {
    if (error instanceof AuthenticationError && error.reason !== 'unverifiable') {
      throw unauthenticated(error.message, 'Bearer realm="mutuo", error="invalid_token"');
    }
    throw error;
  }
}

export function unauthenticated(message: string, challenge: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: UNAUTHENTICATED,
      http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) },
    },
  });
}
