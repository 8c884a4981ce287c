import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { JwtSettings } from '../config/gateway-config';

/** Who is calling, as asserted by a verified token. */
export interface CallerIdentity {
  sub: string;
  pod?: string;
  region?: string;
  roles: string[];
}

/** The token is not acceptable; `reason` is safe to show the caller. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'TokenRejectedError';
  }
}

export type JwtVerifier = (token: string) => Promise<CallerIdentity>;

const callerClaims = z.object({
  sub: z.string({ error: 'claim "sub" must be a non-empty string' }).min(1, 'claim "sub" must be a non-empty string'),
  pod: z.uuid({ error: 'claim "pod" must be a UUID' }).optional(),
  region: z.string({ error: 'claim "region" must be a string' }).min(1, 'claim "region" must not be empty').optional(),
  roles: z.array(z.string(), { error: 'claim "roles" must be an array of strings' }).default([]),
});

/**
 * Verifies signature (against the configured secret, public key or JWKS), algorithm allowlist, iss, aud and exp
 * (which is required), then validates the Mutuo claims. Rejections throw TokenRejectedError; an unreachable JWKS
 * endpoint throws a plain error, because that is the gateway's fault, not the caller's.
 */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  const key = verificationKey(settings);
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: settings.algorithms,
    clockTolerance: settings.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };

  return async (token) => {
    let payload: unknown;
    try {
      // Separate calls keep the overloads (static key vs. key lookup function) apart for the type checker.
      payload = (typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)).payload;
    } catch (error) {
      throw asTokenRejection(error);
    }
    const claims = callerClaims.safeParse(payload);
    if (!claims.success) throw new TokenRejectedError(claims.error.issues[0].message);
    return claims.data;
  };
}

function verificationKey(settings: JwtSettings): Uint8Array | KeyObject | JWTVerifyGetKey {
  switch (settings.key.kind) {
    case 'secret':
      return new TextEncoder().encode(settings.key.secret);
    case 'public-key':
      return createPublicKey(settings.key.pem);
    case 'jwks':
      return createRemoteJWKSet(new URL(settings.key.url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }
}

function asTokenRejection(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return new TokenRejectedError('token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new TokenRejectedError(`claim "${error.claim}" is missing`);
    if (error.claim === 'iss') return new TokenRejectedError('issuer is not accepted');
    if (error.claim === 'aud') return new TokenRejectedError('audience is not accepted');
    if (error.claim === 'nbf') return new TokenRejectedError('token is not valid yet');
    return new TokenRejectedError(`claim "${error.claim}" is invalid`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenRejectedError('signing algorithm is not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new TokenRejectedError('signature verification failed');
  if (error instanceof errors.JWKSNoMatchingKey) return new TokenRejectedError('no known key matches the token');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new TokenRejectedError('token is malformed or uses an unsupported format');
  }
  return error;
}
