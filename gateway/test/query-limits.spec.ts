import { useGateway, useSubgraphsAndToken } from './support/suite-hooks';

/** `{ me { friend { ... { <leaf> } } } }` with `friends` nested friend levels: depth friends + 2. */
function friendChain(friends: number, leaf = 'id'): string {
  return `{ me { ${'friend { '.repeat(friends)}${leaf}${' }'.repeat(friends)} } }`;
}

describe('gateway query limits', () => {
  const suite = useSubgraphsAndToken();

  function subgraphRequestCount() {
    return suite.subgraphs.members.receivedHeaders.length + suite.subgraphs.requests.receivedHeaders.length;
  }

  describe('with the default limits', () => {
    const defaults = useGateway(suite);

    it('accepts a query at the depth limit of 10', async () => {
      const response = await defaults.gateway.query({ query: friendChain(8), token: suite.token });

      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
    });

    it('rejects a query deeper than 10 before any subgraph is called', async () => {
      const before = subgraphRequestCount();

      const response = await defaults.gateway.query({ query: friendChain(9), token: suite.token });

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [{ message: 'Syntax Error: Query depth limit of 10 exceeded, found 11.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      });
      expect(subgraphRequestCount()).toBe(before);
    });

    it('accepts 15 aliases and rejects 16', async () => {
      const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `m${index}: member(id: "${index}") { id }`).join(' ')} }`;

      const atLimit = await defaults.gateway.query({ query: aliased(15), token: suite.token });
      const overLimit = await defaults.gateway.query({ query: aliased(16), token: suite.token });

      expect(atLimit.status).toBe(200);
      expect(atLimit.body.data.m14).toEqual({ id: '14' });
      expect(overLimit.status).toBe(400);
      expect(overLimit.body.errors).toEqual([
        { message: 'Syntax Error: Aliases limit of 15 exceeded, found 16.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    // 12 tokens of structure around the list: `{ members ( ids : [ ... ] ) { id } }`.
    const membersQuery = (listedIds: number) => `{ members(ids: [${Array.from({ length: listedIds }, (_, index) => `"${index}"`).join(' ')}]) { id } }`;

    it('rejects a document of more than 2000 tokens while parsing', async () => {
      const response = await defaults.gateway.query({ query: membersQuery(1989), token: suite.token });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          message: 'Syntax Error: Token limit of 2000 exceeded.',
          locations: [{ line: 1, column: expect.any(Number) }],
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        },
      ]);
    });

    it('accepts a document of exactly 2000 tokens', async () => {
      const response = await defaults.gateway.query({ query: membersQuery(1988), token: suite.token });

      expect(response.status).toBe(200);
      expect(response.body.data.members).toHaveLength(1988);
    });

    it('rejects a query whose cost exceeds 5000 even within the depth, alias and token limits', async () => {
      const response = await defaults.gateway.query({ query: friendChain(8, 'id '.repeat(150)), token: suite.token });

      expect(response.status).toBe(400);
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors[0].message).toMatch(/^Syntax Error: Query Cost limit of 5000 exceeded, found \d+(\.\d+)?\.$/);
      expect(response.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    });
  });

  describe('with limits set through the environment', () => {
    const configured = useGateway(suite, {
      MAX_QUERY_DEPTH: '3',
      MAX_QUERY_ALIASES: '1',
      MAX_QUERY_COST: '20',
      MAX_QUERY_TOKENS: '60',
      MAX_QUERY_DIRECTIVES: '2',
      MAX_REQUEST_BODY_BYTES: '2048',
    });

    it('applies the configured depth limit', async () => {
      const response = await configured.gateway.query({ query: friendChain(2), token: suite.token });

      expect(response.body.errors).toEqual([
        { message: 'Syntax Error: Query depth limit of 3 exceeded, found 4.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('applies the configured alias limit', async () => {
      const response = await configured.gateway.query({ query: '{ a: me { id } b: me { id } }', token: suite.token });

      expect(response.body.errors).toEqual([
        { message: 'Syntax Error: Aliases limit of 1 exceeded, found 2.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('applies the configured token limit', async () => {
      const response = await configured.gateway.query({ query: `{ me { ${'id '.repeat(60)}} }`, token: suite.token });

      expect(response.body.errors).toEqual([
        {
          message: 'Syntax Error: Token limit of 60 exceeded.',
          locations: [{ line: 1, column: expect.any(Number) }],
          extensions: { code: 'GRAPHQL_PARSE_FAILED' },
        },
      ]);
    });

    it('applies the configured cost limit', async () => {
      const response = await configured.gateway.query({
        query: '{ me { id displayName openRequests { id title } friend { id displayName } } openRequestCount }',
        token: suite.token,
      });

      expect(response.body.errors).toEqual([
        { message: 'Syntax Error: Query Cost limit of 20 exceeded, found 21.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('applies the configured directive limit', async () => {
      const response = await configured.gateway.query({
        query: '{ me { id @include(if: true) displayName @skip(if: false) friend @include(if: true) { id } } }',
        token: suite.token,
      });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { message: 'Syntax Error: Directives limit of 2 exceeded, found 3.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      ]);
    });

    it('refuses a request body over the configured size with 413 before parsing it', async () => {
      const response = await configured.gateway.query({ query: '{ me { id } }', variables: { padding: 'x'.repeat(4096) }, token: suite.token });

      expect(response.status).toBe(413);
      expect(response.body).toEqual({
        errors: [{ message: 'Request body exceeds the limit of 2048 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
      expect(response.headers.get('x-correlation-id')).toBeTruthy();
    });

    it('answers a malformed JSON body with 400 in the GraphQL error shape', async () => {
      const response = await fetch(configured.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.token}` },
        body: '{"query": "{ me { id } }"',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
      });
    });
  });
});
