import { UNREADABLE_REQUEST_PREFIX } from './support/gateway-fixture';
import { useGateway, useSubgraphsAndToken } from './support/suite-hooks';

/** Posts a body the way a client would, with an operationName (the shared client sends only query and variables). */
async function post(url: string, token: string, body: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[]; extensions?: unknown },
  };
}

const MISSPELT_ENUM_LITERAL = '{ membersWithSkill(skill: GROCERIE) { id } }';
const ENUM_VARIABLE = 'query($skill: Skill!) { membersWithSkill(skill: $skill) { id } }';

/**
 * What a caller gets when an operation cannot be answered as asked: every null comes with an error, a document the
 * gateway cannot pick an operation from is the caller's mistake (400), and production names no schema members.
 */
describe('gateway error responses', () => {
  const suite = useSubgraphsAndToken();

  describe('in production', () => {
    const production = useGateway(suite, { NODE_ENV: 'production' });

    it('never answers data: null without an error: a null in a non-nullable field deep in a federated answer is reported with its path', async () => {
      const response = await production.gateway.query({ query: '{ suggestionsForMe { id request { id title } } }', token: suite.token });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: null,
        errors: [
          {
            message: 'Cannot return null for non-nullable field HelpRequest.title.',
            path: ['suggestionsForMe', 1, 'request', 'title'],
            extensions: { code: 'INCOMPLETE_RESULT' },
          },
        ],
      });
      expect(response.text).not.toContain(UNREADABLE_REQUEST_PREFIX);
      expect(production.gateway.logs.find((log) => log.msg === 'null in a non-nullable field')).toMatchObject({ level: 'warn' });
    });

    it('answers a complete result without errors or extensions', async () => {
      const response = await production.gateway.query({ query: '{ suggestionsForMe { id request { id } } }', token: suite.token });

      expect(response.body).toEqual({
        data: {
          suggestionsForMe: [
            { id: 's1', request: { id: 'readable-1' } },
            { id: 's2', request: { id: `${UNREADABLE_REQUEST_PREFIX}2` } },
          ],
        },
      });
    });

    it('refuses a document of several operations without an operationName with HTTP 400 and a clear message', async () => {
      const response = await post(production.gateway.url, suite.token, { query: 'query Mine { me { id } } query Count { openRequestCount }' });

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [{ message: 'Must provide operation name if query contains multiple operations.', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }],
      });
    });

    it('refuses an operationName the document does not contain with HTTP 400', async () => {
      const response = await post(production.gateway.url, suite.token, { query: 'query Mine { me { id } }', operationName: 'Theirs' });

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ errors: [{ message: 'Unknown operation named "Theirs".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    });

    it('runs the named operation of several', async () => {
      const response = await post(production.gateway.url, suite.token, {
        query: 'query Mine { me { id } } query Count { openRequestCount }',
        operationName: 'Count',
      });

      expect(response.body).toEqual({ data: { openRequestCount: 2 } });
    });

    it('suggests no enum value, neither for a literal nor for a variable', async () => {
      const literal = await post(production.gateway.url, suite.token, { query: MISSPELT_ENUM_LITERAL });
      const variable = await post(production.gateway.url, suite.token, { query: ENUM_VARIABLE, variables: { skill: 'GROCERIE' } });

      for (const response of [literal, variable]) {
        expect(response.status).toBe(400);
        expect(response.body.errors).toHaveLength(1);
        expect(response.body.errors![0]!.message).toMatch(/GROCERIE/);
        expect(response.body.errors![0]!.message).not.toMatch(/Did you mean|GROCERIES/);
      }
    });

    it('does not say what it runs on', async () => {
      const graphql = await post(production.gateway.url, suite.token, { query: '{ me { id } }' });
      const notFound = await fetch(production.gateway.url.replace('/graphql', '/nothing-here'));

      expect(graphql.headers.get('x-powered-by')).toBeNull();
      expect(notFound.headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('in development', () => {
    const development = useGateway(suite, { NODE_ENV: 'development' });

    it('still suggests the enum value a developer meant', async () => {
      const response = await post(development.gateway.url, suite.token, { query: MISSPELT_ENUM_LITERAL });

      expect(response.body.errors![0]!.message).toMatch(/Did you mean the enum value "GROCERIES"\?/);
    });
  });
});
