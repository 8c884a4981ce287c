import { SignJWT, type JWTPayload } from 'jose';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
export const TEST_ISSUER = 'mutuo-test';
// Not the development audience, which production refuses (production-mode tests run with these values).
export const TEST_AUDIENCE = 'mutuo-test';

export interface TestTokenOptions {
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an already expired token. */
  expiresInSeconds?: number;
}

/** An HS256 token as the Mutuo identity service would issue it, signed with the test secret by default. */
export async function signTestToken(claims: JWTPayload = {}, options: TestTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['member'], ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'member-ada')
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresInSeconds ?? 300))
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}
