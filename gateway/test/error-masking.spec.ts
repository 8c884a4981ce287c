import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { SECRET_IN_UNEXPECTED_ERROR, startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { signTestToken } from './support/tokens';

/** A URL on this machine where nothing listens. */
async function deadSubgraphUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

function expectNoInternals(responseText: string, ...internals: string[]) {
  for (const internal of ['stacktrace', 'serviceName', 'at Object.', '.ts:', SECRET_IN_UNEXPECTED_ERROR, ...internals]) {
    expect(responseText).not.toContain(internal);
  }
}

describe('gateway error masking', () => {
  let subgraphs: Subgraphs;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGateway(subgraphs);
    token = await signTestToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('replaces an unexpected subgraph error by "Internal server error" without stack or details', async () => {
    const response = await gateway.query({ query: '{ me { id } brokenField }', token });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { me: { id: 'member-ada' }, brokenField: null },
      errors: [{ message: 'Internal server error', path: ['brokenField'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expectNoInternals(response.text, subgraphs.members.url);
  });

  it('logs the real cause of a masked error under the correlation id the caller received', async () => {
    const response = await gateway.query({ query: '{ brokenField }', token, headers: { 'x-correlation-id': 'masked-error-trace-1' } });

    expect(response.headers.get('x-correlation-id')).toBe('masked-error-trace-1');
    const entry = gateway.logs.find((log) => log.correlationId === 'masked-error-trace-1' && log.msg === 'operation failed unexpectedly');
    expect(entry).toMatchObject({ level: 'error', path: ['brokenField'], subgraph: 'members' });
    expect(JSON.stringify(entry)).toContain(SECRET_IN_UNEXPECTED_ERROR);
  });

  it("passes a subgraph's SERVICE_UNAVAILABLE through with whether retrying is safe", async () => {
    const response = await gateway.query({ query: '{ me { id } unavailableField }', token });

    expect(response.body).toEqual({
      data: { me: { id: 'member-ada' }, unavailableField: null },
      errors: [
        {
          message: 'The service is temporarily unavailable. Nothing was changed: retrying later is safe.',
          path: ['unavailableField'],
          extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
        },
      ],
    });
    expectNoInternals(response.text, subgraphs.members.url);
  });

  it('passes a deliberate subgraph error through with its message, code and field, and nothing else', async () => {
    const response = await gateway.query({
      query: 'query Notes($pod: ID!) { coordinatorNotes(podId: $pod) }',
      variables: { pod: 'pod-1' },
      token,
    });

    expect(response.body).toEqual({
      data: { coordinatorNotes: null },
      errors: [
        {
          message: 'Only coordinators of this pod may read its notes',
          path: ['coordinatorNotes'],
          extensions: { code: 'FORBIDDEN', field: 'podId' },
        },
      ],
    });
    expectNoInternals(response.text);
  });

  it("keeps the gateway's own validation messages, which describe the caller's mistake", async () => {
    const response = await gateway.query({ query: '{ me { id nickname } }', token });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [
        {
          message: 'Cannot query field "nickname" on type "Member".',
          locations: [{ line: 1, column: 11 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });

  describe('when a subgraph is unreachable', () => {
    let gatewayWithDeadSubgraph: RunningGateway;
    let deadUrl: string;

    beforeAll(async () => {
      deadUrl = await deadSubgraphUrl();
      gatewayWithDeadSubgraph = await startGateway(subgraphs, { SUBGRAPH_REQUESTS_URL: deadUrl });
    });

    afterAll(async () => {
      await gatewayWithDeadSubgraph?.stop();
    });

    it('answers with a masked error and keeps the data the other subgraph resolved', async () => {
      const response = await gatewayWithDeadSubgraph.query({ query: '{ me { id } openRequestCount }', token });

      expect(response.status).toBe(200);
      // The gateway reports a failed fetch without a path.
      expect(response.body.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect(response.body.data).toEqual({ me: { id: 'member-ada' }, openRequestCount: null });
      expectNoInternals(response.text, deadUrl, 'ECONNREFUSED', 'fetch failed');
    });
  });

  describe('when the subgraphs refuse the gateway (shared secrets differ)', () => {
    let misconfiguredGateway: RunningGateway;

    beforeAll(async () => {
      misconfiguredGateway = await startGateway(subgraphs, { GATEWAY_SHARED_SECRET: 'a-secret-the-subgraphs-do-not-know-0123' });
    });

    afterAll(async () => {
      await misconfiguredGateway?.stop();
    });

    it('answers with a masked internal error, not a FORBIDDEN the caller would take personally, and logs the cause', async () => {
      const response = await misconfiguredGateway.query({ query: '{ me { id } }', token });

      expect(response.body).toEqual({ data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expectNoInternals(response.text, subgraphs.members.url, '403');
      const correlationId = response.headers.get('x-correlation-id');
      const entry = misconfiguredGateway.logs.find((log) => log.correlationId === correlationId && log.level === 'error');
      expect(JSON.stringify(entry)).toContain(`Subgraph at ${subgraphs.members.url} refused the gateway: 403: Forbidden`);
    });
  });

  describe('when the JWKS endpoint is unreachable', () => {
    let gatewayWithoutKeys: RunningGateway;

    beforeAll(async () => {
      gatewayWithoutKeys = await startGateway(subgraphs, {
        JWT_SECRET: '',
        JWT_JWKS_URL: await deadSubgraphUrl(),
        JWT_ALGORITHMS: 'RS256',
      });
    });

    afterAll(async () => {
      await gatewayWithoutKeys?.stop();
    });

    it("answers 500 with a masked error rather than blaming the caller's token", async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setSubject('member-ada')
        .setIssuer('mutuo-test')
        .setAudience('mutuo')
        .setExpirationTime('5m')
        .sign(privateKey);

      const response = await gatewayWithoutKeys.query({ query: '{ me { id } }', token });

      expect(response.status).toBe(500);
      expect(response.body).toEqual({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      const correlationId = response.headers.get('x-correlation-id');
      expect(gatewayWithoutKeys.logs).toContainEqual(expect.objectContaining({ level: 'error', correlationId, msg: 'authentication failed unexpectedly' }));
    });
  });
});
