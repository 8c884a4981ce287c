import { createHash } from 'node:crypto';
import { loadGatewayConfig } from '../src/config/gateway-config';
import { startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { postGraphQL } from './support/graphql-client';
import { signTestToken } from './support/tokens';

const PARTNER_APP = 'https://app.partner.example';
const ME = '{ me { id } }';

describe('what partner apps get from the gateway: CORS for their origins and per-caller quotas with RateLimit headers', () => {
  let subgraphs: Subgraphs;
  let gateway: RunningGateway;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGateway(subgraphs, {
      CORS_ALLOWED_ORIGINS: `${PARTNER_APP}, https://other.partner.example`,
      RATE_LIMIT_PER_MINUTE: '5',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('answers a preflight from a configured origin with its own origin, the methods and headers it may use', async () => {
    const response = await fetch(gateway.url, {
      method: 'OPTIONS',
      headers: { origin: PARTNER_APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PARTNER_APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('lets a configured origin read the answer and its rate-limit headers, and gives any other origin no CORS header', async () => {
    const token = await signTestToken({ sub: 'member-cors' });
    const allowed = await postGraphQL(gateway.url, { query: ME, token, headers: { origin: PARTNER_APP } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PARTNER_APP);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('ratelimit');

    const foreign = await postGraphQL(gateway.url, { query: ME, token, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(gateway.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('counts each signed-in caller on its own, announces the quota, and refuses past it with 429 and Retry-After', async () => {
    const ana = await signTestToken({ sub: 'member-ana-quota' });
    const bea = await signTestToken({ sub: 'member-bea-quota' });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await postGraphQL(gateway.url, { query: ME, token: ana }));

    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"member";q=5;w=60');
    expect(answers[0]!.headers.get('ratelimit')).toMatch(/^"member";r=4;t=(60|59)$/);
    expect(answers[4]!.headers.get('ratelimit')).toMatch(/^"member";r=0;t=\d+$/);
    const refused = answers[5]!;
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.errors).toEqual([
      {
        message: expect.stringMatching(/^Too many requests: 5 a minute are allowed; try again in \d+ s$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Number(refused.headers.get('retry-after')) },
      },
    ]);

    const other = await postGraphQL(gateway.url, { query: ME, token: bea });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toMatch(/^"member";r=4;/);
  });

  it('counts a partner client by its client id, and callers without a valid token by address with their own quota', async () => {
    const partner = await signTestToken({ sub: 'client:food-bank-app', client_id: 'food-bank-app', scope: 'requests:read' });
    const first = await postGraphQL(gateway.url, { query: '{ __typename }', token: partner });
    expect(first.headers.get('ratelimit-policy')).toBe('"partner";q=5;w=60');

    const anonymous = [];
    for (let i = 0; i < 4; i++) anonymous.push(await postGraphQL(gateway.url, { query: '{ __typename }', token: 'not-a-token' }));
    expect(anonymous[0]!.headers.get('ratelimit-policy')).toBe('"anonymous";q=3;w=60');
    expect(anonymous.map((answer) => answer.status).slice(3)).toEqual([429]);
  });
});

describe('automatic persisted queries: a partner sends a query once, then only its hash', () => {
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

  it('asks for the query behind an unknown hash, keeps it when sent with its hash, then answers the hash alone', async () => {
    const token = await signTestToken({ sub: 'member-apq' });
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(ME).digest('hex') };
    const send = async (body: Record<string, unknown>) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ ...body, extensions: { persistedQuery } }),
      });
      return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    };

    expect((await send({})).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(await send({ query: ME })).toEqual({ data: { me: { id: 'member-apq' } } });
    expect(await send({})).toEqual({ data: { me: { id: 'member-apq' } } });
  });
});

describe('the gateway refuses partner settings that would open it wrongly', () => {
  it('names CORS_ALLOWED_ORIGINS when an entry is not an origin, or is plain http in production', () => {
    const base = { JWT_SECRET: 'j'.repeat(48), GATEWAY_SHARED_SECRET: 'g'.repeat(40), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' };
    expect(() => loadGatewayConfig({ ...base, NODE_ENV: 'development', CORS_ALLOWED_ORIGINS: 'https://app.example/path' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(() => loadGatewayConfig({ ...base, NODE_ENV: 'development', CORS_ALLOWED_ORIGINS: '*' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(loadGatewayConfig({ ...base, NODE_ENV: 'development', CORS_ALLOWED_ORIGINS: 'http://localhost:5173' }).partners.corsOrigins).toEqual([
      'http://localhost:5173',
    ]);
    expect(() => loadGatewayConfig({ ...base, NODE_ENV: 'production', CORS_ALLOWED_ORIGINS: 'http://app.example' })).toThrow(
      /CORS_ALLOWED_ORIGINS must use https in production \(http:\/\/app\.example\)/,
    );
  });
});
