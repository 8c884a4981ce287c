import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { RegionCreatedV1 } from '@mutuo/contracts';
import { eventStreamName, eventSubject } from '@mutuo/messaging';
import { IntegrationEventPublisher, MetricsScrape, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { parse as parseYaml } from 'yaml';
import { requestsService } from '../src/requests.service';

const ALERTS_FILE = join(__dirname, '..', '..', '..', 'infra', 'prometheus', 'alerts.yaml');
/** Series Prometheus makes itself for every target, not exported by any service. */
const PROMETHEUS_SERIES = new Set(['up']);

type PromQLParser = (typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' } }))['parser'];

interface AlertRule {
  readonly alert?: string;
  readonly expr?: unknown;
  readonly for?: unknown;
  readonly labels?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

/**
 * /metrics of a real requests service (PostgreSQL and NATS) moves with what the service does, and the alert rules
 * (infra/prometheus/alerts.yaml) are valid PromQL over metrics this scrape shows.
 */
describe('requests metrics (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const scrape = () => MetricsScrape.of(sut.service.url);
  const service = { service: 'requests' };

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_metrics',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
  }, 90_000);
  afterAll(() => sut?.stop(), 30_000);

  it('counts a posted request: GraphQL and HTTP latency, the domain counter, appended events and the relay publishing it', async () => {
    const token = await sut.token('person-ana', randomUUID());
    const posted = await sut.graphql(token, 'mutation PostRequest($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: 'Groceries for Friday', language: 'en', category: 'GROCERIES', urgency: 'URGENT' },
    });
    expect(posted.errors).toBeUndefined();
    const refused = await sut.graphql(token, 'mutation PostRequest($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: '', language: 'en', category: 'GROCERIES' },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_TITLE');
    await sut.graphql(token, '{ openRequests(first: 1) { edges { cursor } } }');

    const published = await waitFor(
      async () => {
        const current = await scrape();
        const done = (current.value('mutuo_outbox_published_total', service) ?? 0) >= 1 && current.value('mutuo_outbox_pending_events', service) === 0;
        return done ? current : undefined;
      },
      { description: 'the relay to publish the request', timeoutMs: 30_000, intervalMs: 500 },
    );
    const operation = (name: string, type: string, outcome: string) =>
      published.value('mutuo_graphql_operation_duration_seconds_count', { ...service, operation: name, type, outcome });
    expect(operation('PostRequest', 'mutation', 'success')).toBe(1);
    expect(operation('PostRequest', 'mutation', 'client_error')).toBe(1);
    expect(operation('other', 'query', 'success')).toBe(1);
    expect(published.value('mutuo_http_request_duration_seconds_count', { ...service, method: 'POST', route: '/graphql', status: '200' })).toBe(3);
    expect(published.value('mutuo_requests_posted_total', { ...service, urgency: 'urgent' })).toBe(1);
    expect(published.value('mutuo_requests_posted_total', { ...service, urgency: 'normal' })).toBe(0);
    expect(published.value('mutuo_events_appended_total', { ...service, event_type: 'RequestPosted' })).toBe(1);
    expect(published.value('mutuo_outbox_oldest_pending_age_seconds', service)).toBe(0);
    expect(published.value('mutuo_outbox_relay_leader', service)).toBe(1);
    expect(published.value('mutuo_nats_connected', service)).toBe(1);
    expect(published.value('mutuo_ready', service)).toBe(1);
    expect(published.value('mutuo_db_pool_connections_max', service)).toBe(10);
    expect(published.value('mutuo_db_pool_pending_acquires', service)).toBe(0);
    for (const { name } of requestsService.projections) {
      expect(published.value('mutuo_projection_lag_seconds', { ...service, projection: name })).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);

  it('counts what the consumer handled and dead-lettered, and reports its lag from JetStream', async () => {
    const producer = await IntegrationEventPublisher.connect(sut.natsPrefix, 'test-region');
    const nc = await connect({ servers: TEST_NATS_URL, name: 'mutuo-test-garbage' });
    try {
      const regionId = randomUUID();
      await producer.publish(RegionCreatedV1, null, `region:-:${regionId}`, { regionId, name: 'Lisboa', slug: `lisboa-${regionId.slice(0, 8)}` });
      // Not a CloudEvent at all, on a subject the consumer reads.
      const subject = eventSubject({ prefix: sut.natsPrefix, region: 'test-region', podId: null, type: RegionCreatedV1.type });
      await jetstream(nc).publish(subject, 'not json', { msgID: randomUUID() });
    } finally {
      await producer.close();
      await nc.close();
    }
    const handled = await waitFor(
      async () => {
        const current = await scrape();
        const done =
          current.value('mutuo_consumer_handled_seconds_count', { ...service, event_type: RegionCreatedV1.type, outcome: 'handled' }) === 1 &&
          current.value('mutuo_consumer_dead_letters_total', { ...service, kind: 'invalid-envelope' }) === 1;
        return done ? current : undefined;
      },
      { description: 'the consumer to handle one event and dead-letter the other', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(handled.value('mutuo_consumer_dead_letters_total', { ...service, kind: 'handler-failed' })).toBe(0);
    // Both messages are acknowledged (one handled, one terminated): nothing of membership's stream is left to deliver.
    const membership = { ...service, stream: eventStreamName(sut.natsPrefix, 'membership'), consumer: 'requests' };
    // Read from JetStream at most every 10 s: the first reading may predate the acknowledgements.
    await waitFor(
      async () => {
        const current = await scrape();
        return current.value('mutuo_consumer_pending_messages', membership) === 0 && current.value('mutuo_consumer_ack_pending_messages', membership) === 0;
      },
      { description: "the consumer's lag on membership's stream", timeoutMs: 30_000, intervalMs: 1_000 },
    );
  }, 60_000);

  it('has alert rules that are valid PromQL over metrics a service exports, each with a severity and a runbook', async () => {
    const families = (await scrape()).families;
    // The package is an ES module: imported where it is used, as jest's CommonJS transform allows.
    const { parser } = await import('@prometheus-io/lezer-promql');
    const { groups } = parseYaml(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const runbooks = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'operations.md'), 'utf8');
    for (const rule of rules) {
      expect({ alert: rule.alert, expr: typeof rule.expr, severity: rule.labels?.severity }).toEqual({
        alert: expect.stringMatching(/^Mutuo[A-Za-z]+$/),
        expr: 'string',
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      expect({ alert: rule.alert, runbook: rule.annotations?.runbook }).toEqual({
        alert: rule.alert,
        runbook: `docs/operations.md#${rule.alert!.toLowerCase()}`,
      });
      expect({ alert: rule.alert, runbookWritten: runbooks.includes(`### ${rule.alert}`) }).toEqual({ alert: rule.alert, runbookWritten: true });
      const { errors, metrics } = readPromQL(parser, rule.expr as string);
      expect({ alert: rule.alert, errors }).toEqual({ alert: rule.alert, errors: [] });
      expect(metrics.length).toBeGreaterThan(0);
      const unknown = metrics.filter((metric) => !PROMETHEUS_SERIES.has(metric) && !families.has(metric.replace(/_(bucket|count|sum)$/, '')));
      expect({ alert: rule.alert, unknown }).toEqual({ alert: rule.alert, unknown: [] });
    }
  });
});

/** Syntax errors (where the parser recovered) and the metric names a PromQL expression selects. */
function readPromQL(parser: PromQLParser, expr: string): { errors: string[]; metrics: string[] } {
  const errors: string[] = [];
  const metrics: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) errors.push(`syntax error at ${cursor.from}: ${expr.slice(cursor.from, cursor.from + 20)}`);
    const identifier = cursor.name === 'VectorSelector' ? cursor.node.getChild('Identifier') : null;
    if (identifier) metrics.push(expr.slice(identifier.from, identifier.to));
  } while (cursor.next());
  return { errors, metrics };
}
