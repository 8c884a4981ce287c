import { startGatewayOn, TEST_GATEWAY_SECRET, type RunningGateway } from './support/gateway-fixture';
import { postGraphQL } from './support/graphql-client';
import { startTestSubgraph, type TestSubgraph } from './support/test-subgraph';
import { signTestToken } from './support/tokens';

/** Enough of membership and requests to see which operations the gateway lets whom run. */
const ACCOUNTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    me: String
  }

  type Mutation {
    requestSignInCode(email: String!): Boolean!
    signIn(email: String!, code: String!): String!
    refreshSession(refreshToken: String!): String!
    joinPod(displayName: String!): String!
  }
`;

const HELP_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    openRequests: [String!]!
    matchingStatus: String
  }

  type Mutation {
    postRequest(title: String!): String!
  }
`;

describe('which operations the gateway lets whom run', () => {
  let accounts: TestSubgraph;
  let help: TestSubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    accounts = await startTestSubgraph({
      name: 'accounts',
      sdl: ACCOUNTS_SDL,
      gatewaySharedSecret: TEST_GATEWAY_SECRET,
      resolvers: {
        Query: { me: (_parent, _args, context) => (context.authorization ? 'someone' : null) },
        Mutation: {
          requestSignInCode: () => true,
          signIn: (_parent, _args, context) => `session${context.authorization ? ' (with a token!)' : ''}`,
          refreshSession: () => 'next session',
          joinPod: () => 'joined',
        },
      },
    });
    help = await startTestSubgraph({
      name: 'help',
      sdl: HELP_SDL,
      gatewaySharedSecret: TEST_GATEWAY_SECRET,
      resolvers: { Query: { openRequests: () => ['Lift to the clinic'], matchingStatus: () => 'pending' }, Mutation: { postRequest: () => 'posted' } },
    });
    gateway = await startGatewayOn(
      [
        { name: 'accounts', sdl: ACCOUNTS_SDL, url: accounts.url },
        { name: 'help', sdl: HELP_SDL, url: help.url },
      ],
      { TRUSTED_PROXY_HOPS: '1' },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([accounts?.stop(), help?.stop()]);
  });

  const run = (query: string, token?: string, headers: Record<string, string> = {}) => postGraphQL(gateway.url, { query, token, headers });
  const subgraphCalls = () => accounts.receivedHeaders.length + help.receivedHeaders.length;

  describe('without a token', () => {
    it('runs the sign-in mutations, forwarding the caller address for rate limits and no Authorization', async () => {
      const response = await run('mutation { signIn(email: "ana@example.org", code: "123456") }', undefined, { 'x-forwarded-for': '203.0.113.7' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { signIn: 'session' } });
      const forwarded = accounts.receivedHeaders.at(-1)!;
      expect(forwarded['x-mutuo-client-ip']).toBe('203.0.113.7');
      expect(forwarded.authorization).toBeUndefined();
    });

    it('runs them through fragments and together, but never beside anything else', async () => {
      const together = await run(
        'mutation { requestSignInCode(email: "a@b.org") ...Refresh } fragment Refresh on Mutation { refreshSession(refreshToken: "mrt_x") }',
      );
      expect(together.body).toEqual({ data: { requestSignInCode: true, refreshSession: 'next session' } });

      const before = subgraphCalls();
      const smuggled = await run('mutation { signIn(email: "a@b.org", code: "123456") joinPod(displayName: "Eve") }');
      expect(smuggled.status).toBe(401);
      expect(smuggled.body.errors).toEqual([
        { message: 'Authentication required: send an "Authorization: Bearer <token>" header', extensions: { code: 'UNAUTHENTICATED' } },
      ]);
      expect(smuggled.headers.get('www-authenticate')).toBe('Bearer realm="mutuo"');
      expect((await run('{ me }')).status).toBe(401);
      expect((await run('mutation { joinPod(displayName: "Eve") }')).status).toBe(401);
      expect(subgraphCalls()).toBe(before);
    });

    it('lets a client refresh while still sending its expired token, which is neither checked nor forwarded', async () => {
      const expired = await signTestToken({}, { expiresInSeconds: -600 });

      const response = await run('mutation { signIn(email: "ana@example.org", code: "123456") }', expired);

      expect(response.body).toEqual({ data: { signIn: 'session' } });
      // Anything else with that token is refused as before.
      expect((await run('{ me }', expired)).body.errors[0]).toMatchObject({ message: 'Token has expired', extensions: { code: 'UNAUTHENTICATED' } });
    });
  });

  describe('with a partner client token', () => {
    const partner = (scope: string) => signTestToken({ sub: 'client:hotline', client_id: 'hotline', scope, roles: [] });

    it('runs the root fields its scopes cover', async () => {
      const response = await run('{ openRequests }', await partner('requests:read'));

      expect(response.body).toEqual({ data: { openRequests: ['Lift to the clinic'] } });
    });

    it('refuses a root field its scopes do not cover, and any field not listed for partners, before any service is asked', async () => {
      const before = subgraphCalls();
      const readOnly = await partner('requests:read members:read');

      const post = await run('mutation { postRequest(title: "x") }', readOnly);
      expect(post.status).toBe(403);
      expect(post.body.errors).toEqual([
        { message: 'postRequest needs the scope requests:write, which your token was not granted', extensions: { code: 'INSUFFICIENT_SCOPE' } },
      ]);
      const join = await run('mutation { joinPod(displayName: "Bot") }', await partner('requests:read requests:write members:read'));
      expect(join.status).toBe(403);
      expect(join.body.errors[0]).toMatchObject({ message: 'Partner clients may not use joinPod', extensions: { code: 'FORBIDDEN' } });
      expect((await run('{ openRequests matchingStatus }', readOnly)).body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(subgraphCalls()).toBe(before);
    });

    it('leaves people unlimited by scopes', async () => {
      expect((await run('mutation { joinPod(displayName: "Ana") }', await signTestToken())).body).toEqual({ data: { joinPod: 'joined' } });
    });
  });
});
