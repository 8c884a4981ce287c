import { SignJWT } from 'jose';
import { startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { postGraphQL } from './support/graphql-client';
import { signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from './support/tokens';

describe('gateway authentication', () => {
  let subgraphs: Subgraphs;
  let gateway: RunningGateway;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGateway(subgraphs);
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  const query = '{ me { id displayName } }';

  function expectUnauthenticated(response: Awaited<ReturnType<RunningGateway['query']>>, message: string) {
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
  }

  it('rejects an operation without a token with 401 UNAUTHENTICATED and a Bearer challenge', async () => {
    const response = await gateway.query({ query });

    expectUnauthenticated(response, 'Authentication required: send an "Authorization: Bearer <token>" header');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mutuo"');
  });

  it('rejects an Authorization header that is not a bearer JWT', async () => {
    const response = await gateway.query({ query, headers: { authorization: 'Basic YWRhOnNlY3JldA==' } });

    expectUnauthenticated(response, 'Authorization header must be "Bearer <token>"');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mutuo", error="invalid_request"');
  });

  it('rejects a token signed with another key', async () => {
    const token = await signTestToken({}, { secret: 'an-attacker-secret-that-is-long-enough-0123456789' });

    const response = await gateway.query({ query, token });

    expectUnauthenticated(response, 'Token signature is invalid');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mutuo", error="invalid_token"');
  });

  it('rejects an expired token', async () => {
    const token = await signTestToken({}, { expiresInSeconds: -60 });

    expectUnauthenticated(await gateway.query({ query, token }), 'Token has expired');
  });

  it('rejects a token from another issuer or for another audience', async () => {
    const foreignIssuer = await signTestToken({}, { issuer: 'someone-else' });
    const foreignAudience = await signTestToken({}, { audience: 'another-app' });

    expectUnauthenticated(await gateway.query({ query, token: foreignIssuer }), 'Token issuer is not accepted');
    expectUnauthenticated(await gateway.query({ query, token: foreignAudience }), 'Token audience is not accepted');
  });

  it('rejects a token without an expiry', async () => {
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('member-ada')
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

    expectUnauthenticated(await gateway.query({ query, token }), 'Token is missing the "exp" claim');
  });

  it('rejects a token signed with an algorithm outside the allowlist', async () => {
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('member-ada')
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

    expectUnauthenticated(await gateway.query({ query, token }), 'Token algorithm is not accepted');
  });

  it('rejects an unsigned ("alg": "none") token', async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'member-ada', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now + 300 })}.`;

    const response = await gateway.query({ query, token: unsigned });

    expectUnauthenticated(response, 'Token algorithm is not accepted');
    expect(subgraphs.members.receivedHeaders.some((headers) => headers.authorization === `Bearer ${unsigned}`)).toBe(false);
  });

  it('rejects a token whose Mutuo claims are malformed', async () => {
    const token = await signTestToken({ pod: 'not-a-uuid' });

    expectUnauthenticated(await gateway.query({ query, token }), 'Token claims are invalid: pod must be a UUID');
  });

  it('never reaches a subgraph for rejected requests', async () => {
    const seenBefore = subgraphs.members.receivedHeaders.length + subgraphs.requests.receivedHeaders.length;

    await gateway.query({ query });
    await gateway.query({ query, token: await signTestToken({}, { expiresInSeconds: -60 }) });

    expect(subgraphs.members.receivedHeaders.length + subgraphs.requests.receivedHeaders.length).toBe(seenBefore);
  });

  it('resolves the operation for a valid token carrying pod, region and roles', async () => {
    const token = await signTestToken({
      sub: 'member-grace',
      pod: '0b8a6f1e-3c1d-4e0a-9f5b-2d7c8e9a1b2c',
      region: 'north',
      roles: ['member', 'coordinator'],
    });

    const response = await gateway.query({ query, token });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { me: { id: 'member-grace', displayName: 'Member member-grace' } } });
  });

  it('logs rejections with the correlation id and the reason, never the token', async () => {
    const token = await signTestToken({}, { expiresInSeconds: -60 });

    const response = await postGraphQL(gateway.url, { query, token, headers: { 'x-correlation-id': 'auth-log-check-1' } });

    expect(response.headers.get('x-correlation-id')).toBe('auth-log-check-1');
    const entry = gateway.logs.find((log) => log.correlationId === 'auth-log-check-1');
    expect(entry).toMatchObject({ msg: 'request rejected: not authenticated', reason: 'Token has expired' });
    expect(JSON.stringify(gateway.logs)).not.toContain(token);
  });
});
