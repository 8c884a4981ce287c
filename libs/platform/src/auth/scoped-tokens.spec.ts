import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER } from '../config/dev-defaults';
import type { RequestContext } from '../context/request-context';
import { requireScope } from '../subgraph/subgraph-context';
import { AuthenticationError } from './authentication-error';
import { mintDevToken } from './dev-token';
import { es256SigningKeyFromPem } from './es256-signing-key';
import { JwtVerifier } from './jwt-verifier';

const POD = '0b8a6f1e-3c1d-4e0a-9f5b-2d7c8e9a1b2c';
const SESSION = '5d0c7d5e-1b9e-4a43-8f3a-7b0d0a8c2e11';

describe('tokens of partner clients and sign-in sessions', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = es256SigningKeyFromPem(pem);
  const verifier = new JwtVerifier({ issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE, algorithms: ['ES256'], jwks: { keys: [{ ...key.publicJwk }] } });

  const sign = (claims: Record<string, unknown>, subject = 'client:abc') =>
    new SignJWT({ roles: [], ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject(subject)
      .setIssuer(DEV_JWT_ISSUER)
      .setAudience(DEV_JWT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it('reads a partner client token into a client id and its granted scopes', async () => {
    const token = await sign({ client_id: 'abc', scope: 'requests:read members:read', pod: POD });

    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'client:abc',
      podId: POD,
      regionId: undefined,
      roles: [],
      clientId: 'abc',
      scopes: ['requests:read', 'members:read'],
      token,
    });
  });

  it('gives a client token without a scope no scope at all, rather than full rights', async () => {
    const identity = await verifier.verify(await sign({ client_id: 'abc', pod: POD }));

    expect(identity.scopes).toEqual([]);
  });

  it("leaves a person's token unscoped and keeps its sign-in session", async () => {
    const identity = await verifier.verify(await sign({ pod: POD, roles: ['member'], sid: SESSION }, 'person-ana'));

    expect(identity).toMatchObject({ subject: 'person-ana', roles: ['member'], sessionId: SESSION });
    expect(identity.scopes).toBeUndefined();
    expect(identity.clientId).toBeUndefined();
  });

  it('refuses malformed scope, client id and session claims', async () => {
    for (const [claims, message] of [
      [{ client_id: 'abc', scope: 'requests:read  members:read' }, 'Token claims are invalid: scope must be scope tokens separated by single spaces'],
      [{ client_id: 'a b' }, 'Token claims are invalid: client_id must be 1-128 letters, digits, ".", "_", ":" or "-"'],
      [{ sid: 'session-1' }, 'Token claims are invalid: sid must be a UUID'],
    ] as const) {
      const refusal = await verifier.verify(await sign(claims)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(AuthenticationError);
      expect(refusal).toMatchObject({ reason: 'invalid_claims', message });
    }
  });

  it('signs development tokens with an ES256 key and its kid', async () => {
    const token = await mintDevToken({ subject: 'person-bo', podId: POD, roles: ['member'] }, { key });

    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'person-bo', podId: POD, roles: ['member'] });
  });
});

describe('requireScope', () => {
  const context = (scopes?: string[]): RequestContext => ({
    identity: { subject: 'x', roles: [], token: '', ...(scopes ? { clientId: 'abc', scopes } : {}) },
    correlationId: 'c-1',
  });

  it('lets a person through: their token carries full member rights', () => {
    expect(requireScope(context(), 'requests:write')).toMatchObject({ subject: 'x' });
  });

  it('lets a partner client through with a granted scope only', () => {
    expect(requireScope(context(['requests:read']), 'requests:read')).toMatchObject({ clientId: 'abc' });
    expect(() => requireScope(context(['requests:read']), 'requests:write')).toThrow(
      expect.objectContaining({
        message: 'This needs the scope requests:write, which your token was not granted',
        extensions: { code: 'INSUFFICIENT_SCOPE' },
      }),
    );
  });

  it('turns away a caller without a token', () => {
    expect(() => requireScope({ correlationId: 'c-2' }, 'requests:read')).toThrow(expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }));
  });
});
