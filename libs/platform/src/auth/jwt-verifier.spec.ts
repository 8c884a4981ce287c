import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from '../config/dev-defaults';
import { loadConfig } from '../config/load-config';
import { serviceConfigSchema } from '../config/service-config';
import { AuthenticationError } from './authentication-error';
import { mintDevToken } from './dev-token';
import { bearerTokenFrom, JwtVerifier } from './jwt-verifier';

const devVerifier = () => new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['HS256'], secret: DEV_JWT_SECRET });

interface TokenOverrides {
  alg?: string;
  secret?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  claims?: Record<string, unknown>;
}

function signToken(overrides: TokenOverrides = {}): Promise<string> {
  return new SignJWT({ roles: ['member'], ...overrides.claims })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256' })
    .setSubject('person-1')
    .setIssuer(overrides.issuer ?? DEV_JWT_ISSUER)
    .setAudience(overrides.audience ?? DEV_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(overrides.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(overrides.secret ?? DEV_JWT_SECRET));
}

async function refusal(token: string, verifier = devVerifier()): Promise<AuthenticationError> {
  const outcome = await verifier.verify(token).then(
    () => new Error('the token was accepted'),
    (error: unknown) => error,
  );
  if (outcome instanceof AuthenticationError) return outcome;
  throw outcome;
}

describe('JwtVerifier', () => {
  it('turns a valid token into an identity with pod, region and roles', async () => {
    const podId = randomUUID();
    const token = await mintDevToken({ subject: 'person-1', podId, regionId: 'north-east', roles: ['member', 'coordinator'] });

    await expect(devVerifier().verify(token)).resolves.toEqual({
      subject: 'person-1',
      podId,
      regionId: 'north-east',
      roles: ['member', 'coordinator'],
      token,
    });
  });

  it('is built from a loaded service configuration', async () => {
    const verifier = JwtVerifier.fromConfig(loadConfig(serviceConfigSchema('requests'), {}));
    const token = await mintDevToken({ subject: 'person-1', roles: [] });

    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'person-1', roles: [], podId: undefined });
  });

  it('refuses a token signed with another secret', async () => {
    const error = await refusal(await signToken({ secret: 'another-secret-that-is-long-enough-000000' }));

    expect(error).toMatchObject({ reason: 'bad_signature', message: 'Token signature is invalid' });
  });

  it('refuses a token from another issuer or for another audience', async () => {
    expect(await refusal(await signToken({ issuer: 'someone-else' }))).toMatchObject({
      reason: 'wrong_issuer',
      message: 'Token issuer is not accepted',
    });
    expect(await refusal(await signToken({ audience: 'another-api' }))).toMatchObject({
      reason: 'wrong_audience',
      message: 'Token audience is not accepted',
    });
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    const error = await refusal(await signToken({ expiresAt: Math.floor(Date.now() / 1000) - 60 }));

    expect(error).toMatchObject({ reason: 'expired', message: 'Token has expired' });
  });

  it('tolerates a few seconds of clock skew', async () => {
    const token = await signToken({ expiresAt: Math.floor(Date.now() / 1000) - 2 });

    await expect(devVerifier().verify(token)).resolves.toMatchObject({ subject: 'person-1' });
  });

  it('refuses an algorithm outside the allowlist, even with the right secret', async () => {
    const error = await refusal(await signToken({ alg: 'HS384' }));

    expect(error).toMatchObject({ reason: 'algorithm_not_allowed', message: 'Token algorithm is not accepted' });
  });

  it('refuses an unsigned (alg "none") token', async () => {
    const unsigned = new UnsecuredJWT({ roles: ['admin'] })
      .setSubject('intruder')
      .setIssuer(DEV_JWT_ISSUER)
      .setAudience(DEV_JWT_AUDIENCE)
      .setExpirationTime('10m')
      .encode();

    expect(await refusal(unsigned)).toBeInstanceOf(AuthenticationError);
  });

  it('refuses a token whose pod is not a UUID', async () => {
    const error = await refusal(await signToken({ claims: { pod: 'pod-1' } }));

    expect(error).toMatchObject({ reason: 'invalid_claims', message: 'Token claims are invalid: pod must be a UUID' });
  });

  it('refuses garbage without revealing internals', async () => {
    expect(await refusal('not-a-token')).toMatchObject({ reason: 'malformed', message: 'Token is malformed' });
  });

  it('remembers a verified token only until it expires', async () => {
    const verifier = devVerifier();
    const start = Date.now();
    const token = await signToken({ expiresAt: Math.floor(start / 1000) + 60 });
    jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const first = await verifier.verify(token);
      expect(await verifier.verify(token)).toBe(first);
      jest.setSystemTime(start + 120_000);
      expect((await refusal(token, verifier)).reason).toBe('expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('never accepts "none" in its own allowlist', () => {
    expect(() => new JwtVerifier({ issuer: 'i', audience: 'a', algorithms: ['none'], secret: DEV_JWT_SECRET })).toThrow('never accepts unsigned');
  });

  describe('with a public key', () => {
    it('accepts RS256 tokens and refuses an HS256 token forged with the public key as secret', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const pem = await exportSPKI(publicKey);
      const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['RS256'], publicKeyPem: pem });
      const signed = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('person-2')
        .setIssuer(DEV_JWT_ISSUER)
        .setAudience(DEV_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);

      await expect(verifier.verify(signed)).resolves.toMatchObject({ subject: 'person-2', roles: [] });
      expect(await refusal(await signToken({ secret: pem }), verifier)).toMatchObject({ reason: 'algorithm_not_allowed' });
    });
  });
  describe('with a JSON Web Key Set', () => {
    it('refuses a token naming no key when several published keys would fit', async () => {
      const [first, second] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
      const jwks = { keys: [await exportJWK(first.publicKey), await exportJWK(second.publicKey)] };
      const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['RS256'], jwks });
      const signed = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('person-3')
        .setIssuer(DEV_JWT_ISSUER)
        .setAudience(DEV_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(first.privateKey);

      expect(await refusal(signed, verifier)).toMatchObject({ reason: 'unknown_key', message: 'Token signing key is not known' });
    });

    it("reports an unreachable key set as unverifiable, not as the caller's mistake, keeping the cause", async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const verifier = new JwtVerifier({
        issuer: DEV_JWT_ISSUER,
        audience: DEV_JWT_AUDIENCE,
        algorithms: ['RS256'],
        // Port 9 (discard) has no listener here: the connection is refused.
        jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
      });
      const signed = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setSubject('person-3')
        .setIssuer(DEV_JWT_ISSUER)
        .setAudience(DEV_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);

      const error = await refusal(signed, verifier);

      expect(error).toMatchObject({ reason: 'unverifiable', message: 'Token could not be verified' });
      expect(error.cause).toBeDefined();
    });
  });
});

describe('bearerTokenFrom', () => {
  it('reads the token from an Authorization header', () => {
    expect(bearerTokenFrom('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerTokenFrom(undefined)).toBeUndefined();
  });

  it('refuses other authorization schemes', () => {
    expect(() => bearerTokenFrom('Basic dXNlcjpwYXNz')).toThrow(AuthenticationError);
  });
});
