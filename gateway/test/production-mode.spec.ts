import { useGateway, useSubgraphsAndToken } from './support/suite-hooks';

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPE_INTROSPECTION = '{ __type(name: "Member") { fields { name } } }';
const MISSPELT_FIELD = '{ me { displayNam } }';

describe('gateway in production and development mode', () => {
  const suite = useSubgraphsAndToken();

  describe('NODE_ENV=production', () => {
    const production = useGateway(suite, { NODE_ENV: 'production' });

    it('refuses introspection of the schema and of single types', async () => {
      for (const query of [INTROSPECTION, TYPE_INTROSPECTION]) {
        const response = await production.gateway.query({ query, token: suite.token });

        expect(response.status).toBe(400);
        expect(response.body.data).toBeUndefined();
        expect(response.body.errors).toHaveLength(1);
        expect(response.body.errors[0].message).toMatch(/^GraphQL introspection is not allowed/);
        expect(response.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
      }
    });

    it('still answers __typename', async () => {
      const response = await production.gateway.query({ query: '{ __typename me { __typename id } }', token: suite.token });

      expect(response.body).toEqual({ data: { __typename: 'Query', me: { __typename: 'Member', id: 'member-ada' } } });
    });

    it('serves no landing page or sandbox to a browser', async () => {
      const response = await fetch(production.gateway.url, { headers: { accept: 'text/html' } });

      expect(response.headers.get('content-type')).not.toMatch(/text\/html/);
      expect(await response.text()).not.toMatch(/<html|sandbox|embeddable/i);
    });

    it('does not suggest field names that introspection would have hidden', async () => {
      const response = await production.gateway.query({ query: MISSPELT_FIELD, token: suite.token });

      expect(response.body.errors[0].message).toMatch(/^Cannot query field "displayNam" on type "Member"\./);
      expect(response.body.errors[0].message).not.toContain('displayName');
    });
  });

  describe('NODE_ENV=development', () => {
    const development = useGateway(suite, { NODE_ENV: 'development' });

    it('allows introspection to authenticated callers', async () => {
      const response = await development.gateway.query({ query: INTROSPECTION, token: suite.token });

      expect(response.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    });

    it('requires a token for introspection too', async () => {
      const response = await development.gateway.query({ query: INTROSPECTION });

      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('serves the local sandbox landing page to a browser', async () => {
      const response = await fetch(development.gateway.url, { headers: { accept: 'text/html' } });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('suggests the intended field name', async () => {
      const response = await development.gateway.query({ query: MISSPELT_FIELD, token: suite.token });

      expect(response.body.errors[0].message).toBe('Cannot query field "displayNam" on type "Member". Did you mean "displayName"?');
    });
  });
});
