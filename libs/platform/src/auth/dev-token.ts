import { SignJWT } from 'jose';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from '../config/dev-defaults';
import type { Es256SigningKey } from './es256-signing-key';
import { tokenClaimsSchema } from './token-claims';

export interface DevTokenClaims {
  readonly subject: string;
  readonly podId?: string;
  readonly regionId?: string;
  readonly roles: readonly string[];
  /** Seconds, or a jose time span such as `'1h'` or `'30m'`. Defaults to one hour. */
  readonly ttl?: number | string;
}

/** Overrides for tests that verify against their own settings; development needs none. */
export interface DevTokenSigning {
  /** Signs ES256 with this key (and its `kid`) instead of HS256: for platforms verifying against membership's JWKS. */
  readonly key?: Pick<Es256SigningKey, 'privateKey' | 'kid'>;
  readonly secret?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export class DevTokenRefused extends Error {
  constructor() {
    super('Development tokens cannot be minted when NODE_ENV=production');
    this.name = 'DevTokenRefused';
  }
}

/**
 * Signs a token for local work and tests: HS256 with the development secret, or ES256 with `signing.key` (the
 * development signing key membership publishes, or a test's own). Refused in production.
 */
export async function mintDevToken(claims: DevTokenClaims, signing: DevTokenSigning = {}): Promise<string> {
  if (process.env.NODE_ENV === 'production') throw new DevTokenRefused();
  const checked = tokenClaimsSchema.safeParse({
    sub: claims.subject,
    pod: claims.podId,
    region: claims.regionId,
    roles: claims.roles,
  });
  if (!checked.success) {
    throw new Error(`Invalid development token claims: ${checked.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const ttl = claims.ttl ?? '1h';
  const payload: Record<string, unknown> = { roles: checked.data.roles };
  if (checked.data.pod) payload.pod = checked.data.pod;
  if (checked.data.region) payload.region = checked.data.region;
  if (signing.key && signing.secret) throw new Error('Sign a development token with a key or a secret, not both');
  const jwt = new SignJWT(payload)
    .setProtectedHeader(signing.key ? { alg: 'ES256', typ: 'JWT', kid: signing.key.kid } : { alg: 'HS256', typ: 'JWT' })
    .setSubject(checked.data.sub)
    .setIssuer(signing.issuer ?? DEV_JWT_ISSUER)
    .setAudience(signing.audience ?? DEV_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl);
  return jwt.sign(signing.key ? signing.key.privateKey : new TextEncoder().encode(signing.secret ?? DEV_JWT_SECRET));
}
