import { TEST_GATEWAY_SECRET, startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { postGraphQL } from './support/graphql-client';
import { signTestToken } from './support/tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('gateway routing to subgraphs', () => {
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

  beforeEach(() => {
    subgraphs.members.receivedHeaders.length = 0;
    subgraphs.requests.receivedHeaders.length = 0;
  });

  it('resolves one operation across both subgraphs through the Member entity key', async () => {
    const token = await signTestToken({ sub: 'member-ada' });

    const response = await gateway.query({ query: '{ me { id displayName openRequests { id title } } openRequestCount }', token });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        me: {
          id: 'member-ada',
          displayName: 'Member member-ada',
          openRequests: [
            { id: 'member-ada-r1', title: 'Lift to the clinic' },
            { id: 'member-ada-r2', title: 'Groceries on Friday' },
          ],
        },
        openRequestCount: 2,
      },
    });
    // The requests subgraph was reached at its SUBGRAPH_REQUESTS_URL, not at the URL composed into the supergraph.
    expect(subgraphs.requests.receivedHeaders.length).toBeGreaterThan(0);
  });

  it('forwards the caller token, the correlation id and the shared secret to every subgraph', async () => {
    const token = await signTestToken({ sub: 'member-ada' });

    const response = await gateway.query({
      query: '{ me { openRequests { title } } }',
      token,
      headers: { 'x-correlation-id': 'checkout-7f3a', 'x-internal-debug': 'please', cookie: 'session=abc' },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('checkout-7f3a');
    for (const subgraph of [subgraphs.members, subgraphs.requests]) {
      expect(subgraph.receivedHeaders).toHaveLength(1);
      const [headers] = subgraph.receivedHeaders;
      expect(headers.authorization).toBe(`Bearer ${token}`);
      expect(headers['x-correlation-id']).toBe('checkout-7f3a');
      expect(headers['x-mutuo-gateway-secret']).toBe(TEST_GATEWAY_SECRET);
      // Only what the gateway chooses to forward reaches a subgraph.
      expect(headers['x-internal-debug']).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
    }
  });

  it('generates a correlation id when the caller sends none (or an unusable one) and uses it end to end', async () => {
    const token = await signTestToken();

    const withoutId = await gateway.query({ query: '{ me { id } }', token });
    const withUnusableId = await gateway.query({ query: '{ me { id } }', token, headers: { 'x-correlation-id': 'x'.repeat(500) } });

    for (const [index, response] of [withoutId, withUnusableId].entries()) {
      const correlationId = response.headers.get('x-correlation-id');
      expect(correlationId).toMatch(UUID);
      expect(subgraphs.members.receivedHeaders[index]['x-correlation-id']).toBe(correlationId);
      expect(gateway.logs).toContainEqual(expect.objectContaining({ msg: 'graphql operation', correlationId, caller: 'member-ada' }));
    }
  });

  it('overrides a caller-supplied gateway secret header with its own', async () => {
    const token = await signTestToken();

    await gateway.query({ query: '{ me { id } }', token, headers: { 'x-mutuo-gateway-secret': 'forged' } });

    expect(subgraphs.members.receivedHeaders[0]['x-mutuo-gateway-secret']).toBe(TEST_GATEWAY_SECRET);
  });

  it('uses test subgraphs that really refuse requests without the shared secret', async () => {
    const direct = await postGraphQL(subgraphs.members.url, { query: '{ me { id } }', token: await signTestToken() });

    expect(direct.status).toBe(403);
    expect(direct.body.errors[0].message).toBe('Subgraph only accepts requests from the Mutuo gateway');
  });
});
