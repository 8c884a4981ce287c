import { createLocalJWKSet, createRemoteJWKSet, errors, importSPKI, JSONWebKeySet, JWTVerifyGetKey, jwtVerify, KeyLike } from 'jose';
import type { Identity } from '../context/request-context';
import { AuthenticationError } from './authentication-error';
import { tokenClaimsSchema } from './token-claims';

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Only tokens signed with one of these are accepted; `none` is always refused. */
  readonly algorithms: readonly string[];
  /** Exactly one key source. */
  readonly secret?: string;
  readonly publicKeyPem?: string;
  readonly jwksUrl?: string;
  readonly jwks?: JSONWebKeySet;
  /** Tolerated clock skew between the issuer and this service. */
  readonly clockToleranceSeconds?: number;
  /**
   * How many verified tokens to remember until they expire (default 10,000; 0 turns it off). A client sends
   * the same token with every request until it expires, so the signature is checked once, not per request.
   */
  readonly cacheSize?: number;
}

/** The subset of ServiceConfig the verifier needs; pass the loaded config straight in. */
export interface JwtConfig {
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
  readonly JWT_ALGORITHMS: readonly string[];
  readonly JWT_SECRET?: string;
  readonly JWT_PUBLIC_KEY?: string;
  readonly JWT_JWKS_URL?: string;
}

type VerificationKey = Uint8Array | JWTVerifyGetKey;

/** Turns a bearer token into an Identity, or refuses it with an AuthenticationError. */
export class JwtVerifier {
  private readonly key: VerificationKey;
  private readonly clockTolerance: number;
  private readonly cacheSize: number;
  /** Verified tokens by their text, oldest first (Map keeps insertion order), each until its `exp`. */
  private readonly verified = new Map<string, { readonly identity: Identity; readonly expiresAtMs: number }>();

  constructor(private readonly options: JwtVerifierOptions) {
    if (options.algorithms.length === 0) throw new Error('JwtVerifier needs at least one allowed algorithm');
    if (options.algorithms.some((alg) => alg.toLowerCase() === 'none')) {
      throw new Error('JwtVerifier never accepts unsigned ("none") tokens');
    }
    this.key = verificationKey(options);
    this.clockTolerance = options.clockToleranceSeconds ?? 5;
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  static fromConfig(config: JwtConfig): JwtVerifier {
    return new JwtVerifier({
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      algorithms: config.JWT_ALGORITHMS,
      secret: config.JWT_SECRET,
      publicKeyPem: config.JWT_PUBLIC_KEY,
      jwksUrl: config.JWT_JWKS_URL,
    });
  }

  async verify(token: string): Promise<Identity> {
    const cached = this.verified.get(token);
    if (cached) {
      // Exactly until `exp`, without the clock tolerance: a cached answer is never more lenient than a fresh one.
      if (Date.now() < cached.expiresAtMs) return cached.identity;
      this.verified.delete(token);
    }
    const identity = await this.verifyFresh(token);
    this.remember(token, identity);
    return identity;
  }

  private remember(token: string, identity: Identity): void {
    if (this.cacheSize <= 0) return;
    const [, payloadPart] = token.split('.');
    const exp = (JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    if (typeof exp !== 'number') return;
    if (this.verified.size >= this.cacheSize) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { identity, expiresAtMs: exp * 1000 });
  }

  private async verifyFresh(token: string): Promise<Identity> {
    let payload: Record<string, unknown>;
    try {
      const options = {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...this.options.algorithms],
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'sub'],
      };
      // Two calls only to satisfy jose's overloads (a key vs. a key-resolving function).
      payload = (this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      throw toAuthenticationError(error);
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const problems = [...new Set(claims.error.issues.map((issue) => issue.message))].join('; ');
      throw new AuthenticationError('invalid_claims', `Token claims are invalid: ${problems}`);
    }
    const { sub, pod, region, roles, client_id: clientId, scope, sid } = claims.data;
    return {
      subject: sub,
      podId: pod,
      regionId: region,
      roles,
      // A partner client's token without a scope may do nothing: limits are never inferred from absence.
      ...(clientId !== undefined ? { clientId, scopes: scope?.split(' ') ?? [] } : scope !== undefined ? { scopes: scope.split(' ') } : {}),
      ...(sid !== undefined ? { sessionId: sid } : {}),
      token,
    };
  }
}

function verificationKey(options: JwtVerifierOptions): VerificationKey {
  const sources = [options.secret, options.publicKeyPem, options.jwksUrl, options.jwks].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    throw new Error('JwtVerifier needs exactly one of secret, publicKeyPem, jwksUrl or jwks');
  }
  if (options.secret !== undefined) return new TextEncoder().encode(options.secret);
  if (options.jwks !== undefined) return createLocalJWKSet(options.jwks);
  if (options.jwksUrl !== undefined) return createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000 });
  // One PEM can serve several algorithms of its family (RS256 and PS256, say): import it per algorithm.
  const pem = options.publicKeyPem!;
  const imported = new Map<string, Promise<KeyLike>>();
  return async (header) => {
    let key = imported.get(header.alg);
    if (!key) {
      key = importSPKI(pem, header.alg);
      imported.set(header.alg, key);
    }
    return key;
  };
}

function toAuthenticationError(error: unknown): AuthenticationError {
  if (error instanceof errors.JWTExpired) return new AuthenticationError('expired', 'Token has expired');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('bad_signature', 'Token signature is invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError('algorithm_not_allowed', 'Token algorithm is not accepted');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new AuthenticationError('invalid_claims', `Token is missing the "${error.claim}" claim`);
    if (error.claim === 'iss') return new AuthenticationError('wrong_issuer', 'Token issuer is not accepted');
    if (error.claim === 'aud') return new AuthenticationError('wrong_audience', 'Token audience is not accepted');
    if (error.claim === 'nbf') return new AuthenticationError('not_yet_valid', 'Token is not valid yet');
    return new AuthenticationError('invalid_claims', `Token "${error.claim}" claim is invalid`);
  }
  // Several published keys fit a token that names none (no kid): the token does not say which key signed it.
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError('unknown_key', 'Token signing key is not known');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return new AuthenticationError('malformed', 'Token is malformed');
  }
  // Kept as the cause, so whoever logs the refusal sees why (an unreachable JWKS endpoint, say).
  return new AuthenticationError('unverifiable', 'Token could not be verified', { cause: error });
}

/**
 * The token from an `Authorization: Bearer <token>` header; undefined when there is no header,
 * an AuthenticationError when the header is there but is not a bearer token.
 */
export function bearerTokenFrom(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match) throw new AuthenticationError('malformed', 'Authorization header must be "Bearer <token>"');
  return match[1];
}
