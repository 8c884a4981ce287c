import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createJwtVerifier, TokenRejectedError } from '../src/auth/jwt-verifier';
import type { JwtSettings } from '../src/config/gateway-config';

const BASE: Omit<JwtSettings, 'key' | 'algorithms'> = { issuer: 'mutuo-id', audience: 'mutuo', clockToleranceSeconds: 0 };

async function sign(privateKey: KeyLike, alg: string, claims: Record<string, unknown> = {}, kid?: string): Promise<string> {
  return new SignJWT({ roles: ['member'], ...claims })
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setSubject('member-ada')
    .setIssuer('mutuo-id')
    .setAudience('mutuo')
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('JWT verification with asymmetric keys', () => {
  let keys: { publicKey: KeyLike; privateKey: KeyLike };

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
  });

  it('verifies RS256 tokens against a PEM public key and returns the Mutuo claims', async () => {
    const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'public-key', pem: await exportSPKI(keys.publicKey) } });

    await expect(verify(await sign(keys.privateKey, 'RS256', { pod: '6f1c2a9e-8b7d-4c3e-9a1f-0e2d3c4b5a69', region: 'north' }))).resolves.toEqual({
      sub: 'member-ada',
      pod: '6f1c2a9e-8b7d-4c3e-9a1f-0e2d3c4b5a69',
      region: 'north',
      roles: ['member'],
    });
  });

  it('rejects a token signed by another key pair', async () => {
    const other = await generateKeyPair('RS256');
    const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'public-key', pem: await exportSPKI(keys.publicKey) } });

    await expect(verify(await sign(other.privateKey, 'RS256'))).rejects.toEqual(new TokenRejectedError('signature verification failed'));
  });

  it('rejects roles that are not a list of strings', async () => {
    const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'public-key', pem: await exportSPKI(keys.publicKey) } });

    await expect(verify(await sign(keys.privateKey, 'RS256', { roles: 'admin' }))).rejects.toEqual(
      new TokenRejectedError('claim "roles" must be an array of strings'),
    );
  });

  describe('with a JWKS endpoint', () => {
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
      const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'jwks', url: jwksUrl } });
      const before = jwksRequests;

      await expect(verify(await sign(keys.privateKey, 'RS256', {}, 'key-2026'))).resolves.toMatchObject({ sub: 'member-ada' });
      await expect(verify(await sign(keys.privateKey, 'RS256', {}, 'key-2026'))).resolves.toMatchObject({ sub: 'member-ada' });
      expect(jwksRequests - before).toBe(1);
    });

    it('rejects a token whose kid is not published', async () => {
      const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'jwks', url: jwksUrl } });

      await expect(verify(await sign(keys.privateKey, 'RS256', {}, 'retired-key'))).rejects.toEqual(
        new TokenRejectedError('no known key matches the token'),
      );
    });

    it("treats an unreachable JWKS endpoint as the gateway's failure, not the caller's", async () => {
      const verify = createJwtVerifier({ ...BASE, algorithms: ['RS256'], key: { kind: 'jwks', url: 'http://127.0.0.1:9/jwks.json' } });

      const failure = await verify(await sign(keys.privateKey, 'RS256', {}, 'key-2026')).catch((error: unknown) => error);

      // Node's network errors come from another realm than jest's `Error`: check the shape instead.
      expect(failure).toMatchObject({ message: expect.any(String) });
      expect(failure).not.toBeInstanceOf(TokenRejectedError);
    });
  });
});
