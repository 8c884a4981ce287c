import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtVerifier } from '@mutuo/platform';
import { GraphQLError } from 'graphql';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { authenticateRequest } from '../src/auth/authenticate-request';
import { loadGatewayConfig } from '../src/config/gateway-config';

const ISSUER = { JWT_ISSUER: 'mutuo-id', JWT_AUDIENCE: 'mutuo', JWT_ALGORITHMS: 'RS256' };

async function sign(privateKey: KeyLike, claims: Record<string, unknown> = {}, kid?: string): Promise<string> {
  return new SignJWT({ roles: ['member'], ...claims })
    .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) })
    .setSubject('member-ada')
    .setIssuer('mutuo-id')
    .setAudience('mutuo')
    .setExpirationTime('5m')
    .sign(privateKey);
}

/** The gateway's path from its environment to a caller: config, verifier, Authorization header. */
function authenticateWith(env: Record<string, string>) {
  const verifier = new JwtVerifier(loadGatewayConfig(env).jwt);
  return (token: string) => authenticateRequest(`Bearer ${token}`, verifier);
}

async function failureOf(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => new Error('the token was accepted'),
    (error: unknown) => error,
  );
}

describe('the gateway verifying tokens signed with asymmetric keys', () => {
  let keys: { publicKey: KeyLike; privateKey: KeyLike };

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
  });

  it('verifies RS256 tokens against JWT_PUBLIC_KEY and forwards the caller', async () => {
    const authenticate = authenticateWith({ ...ISSUER, JWT_PUBLIC_KEY: await exportSPKI(keys.publicKey) });
    const token = await sign(keys.privateKey, { pod: '6f1c2a9e-8b7d-4c3e-9a1f-0e2d3c4b5a69', region: 'north' });

    await expect(authenticate(token)).resolves.toEqual({
      authorization: `Bearer ${token}`,
      caller: { subject: 'member-ada', podId: '6f1c2a9e-8b7d-4c3e-9a1f-0e2d3c4b5a69', regionId: 'north', roles: ['member'], token },
    });
  });

  it('answers 401 for a token signed by another key pair', async () => {
    const other = await generateKeyPair('RS256');
    const authenticate = authenticateWith({ ...ISSUER, JWT_PUBLIC_KEY: await exportSPKI(keys.publicKey) });

    const failure = await failureOf(authenticate(await sign(other.privateKey)));

    expect(failure).toBeInstanceOf(GraphQLError);
    expect(failure).toMatchObject({ message: 'Token signature is invalid', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  });

  it('answers 401 for roles that are not a list of strings', async () => {
    const authenticate = authenticateWith({ ...ISSUER, JWT_PUBLIC_KEY: await exportSPKI(keys.publicKey) });

    await expect(authenticate(await sign(keys.privateKey, { roles: 'admin' }))).rejects.toMatchObject({
      message: 'Token claims are invalid: roles must be a list of strings',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  describe('with JWT_JWKS_URL', () => {
    let jwksServer: http.Server;
    let jwksUrl: string;
    let jwksRequests = 0;

    beforeAll(async () => {
      const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'key-2026', alg: 'RS256', use: 'sig' };
      jwksServer = http.createServer((_req, res) => {
        jwksRequests++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    });

    it('verifies tokens against the published key matching their kid, fetching the key set once', async () => {
      const authenticate = authenticateWith({ ...ISSUER, JWT_JWKS_URL: jwksUrl });
      const before = jwksRequests;

      await expect(authenticate(await sign(keys.privateKey, {}, 'key-2026'))).resolves.toMatchObject({ caller: { subject: 'member-ada' } });
      await expect(authenticate(await sign(keys.privateKey, {}, 'key-2026'))).resolves.toMatchObject({ caller: { subject: 'member-ada' } });
      expect(jwksRequests - before).toBe(1);
    });

    it('answers 401 for a token whose kid is not published', async () => {
      const authenticate = authenticateWith({ ...ISSUER, JWT_JWKS_URL: jwksUrl });

      await expect(authenticate(await sign(keys.privateKey, {}, 'retired-key'))).rejects.toMatchObject({
        message: 'Token signing key is not known',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });

    it("treats an unreachable JWKS endpoint as the gateway's failure, not the caller's", async () => {
      const authenticate = authenticateWith({ ...ISSUER, JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });

      const failure = await failureOf(authenticate(await sign(keys.privateKey, {}, 'key-2026')));

      expect(failure).not.toBeInstanceOf(GraphQLError);
      expect(failure).toMatchObject({ reason: 'unverifiable', cause: expect.anything() });
    });
  });
});
