import { SignJWT } from 'jose';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from '../config/dev-defaults';
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

/** Signs an HS256 token with the development secret, for local work and tests. Refused in production. */
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
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(checked.data.sub)
    .setIssuer(signing.issuer ?? DEV_JWT_ISSUER)
    .setAudience(signing.audience ?? DEV_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl)
    .sign(new TextEncoder().encode(signing.secret ?? DEV_JWT_SECRET));
}
