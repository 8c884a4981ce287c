import { MetricsScrape } from '@mutuo/testing';
import { startGateway, startSubgraphs, type RunningGateway, type Subgraphs } from './support/gateway-fixture';
import { signTestToken } from './support/tokens';

/** The gateway's /metrics: each operation timed by name, type and outcome, each HTTP request by route and status. */
describe('gateway metrics', () => {
  let subgraphs: Subgraphs;
  let gateway: RunningGateway;
  let origin: string;
  const gatewayLabel = { service: 'gateway' };

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGateway(subgraphs);
    origin = new URL(gateway.url).origin;
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraphs?.stop();
  });

  it('times operations by name, type and outcome, collapsing anonymous and invalid ones into "other"', async () => {
    const token = await signTestToken();
    expect((await gateway.query({ query: 'query Me { me { id } }', token })).status).toBe(200);
    expect((await gateway.query({ query: 'query Broken { brokenField }', token })).body).toMatchObject({
      errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect((await gateway.query({ query: 'query Invalid { noSuchField }', token })).status).toBe(400);
    expect((await gateway.query({ query: '{ me { id } }', token })).status).toBe(200);

    const scrape = await MetricsScrape.of(origin);
    const operations = (operation: string, type: string, outcome: string) =>
      scrape.value('mutuo_graphql_operation_duration_seconds_count', { ...gatewayLabel, operation, type, outcome });
    expect(operations('Me', 'query', 'success')).toBe(1);
    expect(operations('Broken', 'query', 'server_error')).toBe(1);
    // An operation that fails validation never becomes an operation: its name and type are unknown.
    expect(operations('other', 'unknown', 'client_error')).toBe(1);
    expect(operations('other', 'query', 'success')).toBe(1);
    expect(scrape.value('mutuo_http_request_duration_seconds_count', { ...gatewayLabel, method: 'POST', route: '/graphql', status: '200' })).toBe(3);
    expect(scrape.value('mutuo_http_request_duration_seconds_count', { ...gatewayLabel, method: 'POST', route: '/graphql', status: '400' })).toBe(1);
  });

  it('labels a path that matched no route "unmatched", whatever the path', async () => {
    for (const path of ['/admin', '/wp-login.php', '/a/b/c']) expect((await fetch(`${origin}${path}`)).status).toBe(404);

    const scrape = await MetricsScrape.of(origin);
    expect(scrape.value('mutuo_http_request_duration_seconds_count', { ...gatewayLabel, method: 'GET', route: 'unmatched', status: '404' })).toBe(3);
    expect(scrape.text).not.toContain('wp-login');
  });
});
