import { startOtlpTraceReceiver, waitFor, type OtlpTraceReceiver, type ReceivedSpan } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * OpenTelemetry across the platform, all real: every process exports its spans over OTLP/HTTP to a local receiver.
 * One postRequest at the gateway is one trace, from the gateway's operation through requests' subgraph, command
 * handler, append and relay publish, to matching's and notifications' reactions and what they append in turn.
 */
describe('one trace per operation across the platform', () => {
  let receiver: OtlpTraceReceiver;
  let platform: PlatformHarness;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    platform = new PlatformHarness({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' }, readyTimeoutMs: 240_000 });
    await platform.start();
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  }, 60_000);

  it('follows postRequest from the gateway to matching and notifications in one trace', async () => {
    const { data } = platform;
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      {
        input: { name: 'Porto', slug: `porto-${platform.suffix}` },
      },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Bonfim', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
    });
    const ana = await platform.token('person-ana', createPod.id, ['member']);
    const bo = await platform.token('person-bo', createPod.id, ['member']);
    await data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
    await data(bo, 'mutation { joinPod(input: { displayName: "Bo", preferredLanguage: "en" }) { id } }');
    // Matching must know Bo as a possible helper before the request, so that it has someone to suggest.
    await waitFor(
      async () =>
        (await data<{ me: { inbox: { notifications: unknown[] } } | null }>(bo, '{ me { inbox { notifications { id } } } }')).me?.inbox.notifications.length,
      { description: "Bo's welcome notification", timeoutMs: 20_000, intervalMs: 200 },
    );

    await data(ana, 'mutation PostRequest($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: 'Medicação da farmácia', description: 'Tenho febre e não posso sair.', language: 'pt', category: 'MEDICAL', urgency: 'URGENT' },
    });

    const root = await waitFor(() => receiver.spans.find((span) => span.service === 'mutuo-gateway' && span.name === 'mutation PostRequest'), {
      description: "the gateway's PostRequest span",
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    const inTrace = () => receiver.spans.filter((span) => span.traceId === root.traceId);
    const find = (trace: ReceivedSpan[], service: string, name: string | RegExp, kind?: number) =>
      trace.find(
        (span) =>
          span.service === service && (typeof name === 'string' ? span.name === name : name.test(span.name)) && (kind === undefined || span.kind === kind),
      );
    // Apollo names the subgraph's part of the operation (PostRequest__requests__0).
    const SUBGRAPH_MUTATION = /^mutation\b/;
    const expected: [string, string | RegExp, number?][] = [
      ['mutuo-requests', SUBGRAPH_MUTATION, SERVER],
      ['mutuo-requests', 'handle PostRequest'],
      ['mutuo-requests', 'append request'],
      ['mutuo-requests', 'publish requests.request-posted.v1', PRODUCER],
      ['mutuo-matching', 'process requests.request-posted.v1', CONSUMER],
      ['mutuo-notifications', 'process requests.request-posted.v1', CONSUMER],
    ];
    const trace = await waitFor(
      () => {
        const spans = inTrace();
        return expected.every(([service, name, kind]) => find(spans, service, name, kind)) ? spans : undefined;
      },
      {
        description: `spans ${expected.map(([service, name]) => `${service} ${String(name)}`).join(', ')} in trace ${root.traceId}`,
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );

    expect(root.parentSpanId).toBe('');
    // Each hop is the child of the one before: the subgraph of Apollo's fetch, the publish of the append, each
    // consumer of the publish.
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const subgraph = find(trace, 'mutuo-requests', SUBGRAPH_MUTATION, SERVER)!;
    expect(byId.get(subgraph.parentSpanId)?.service).toBe('mutuo-gateway');
    const append = find(trace, 'mutuo-requests', 'append request')!;
    expect(append.attributes['mutuo.event_types']).toContain('RequestPosted');
    const publish = find(trace, 'mutuo-requests', 'publish requests.request-posted.v1', PRODUCER)!;
    expect(publish.parentSpanId).toBe(append.spanId);
    for (const service of ['mutuo-matching', 'mutuo-notifications']) {
      const reaction = find(trace, service, 'process requests.request-posted.v1', CONSUMER)!;
      expect([service, reaction.parentSpanId]).toEqual([service, publish.spanId]);
    }
    // Matching's reaction appends, and what it appends is published in the same trace.
    await waitFor(() => inTrace().find((span) => span.service === 'mutuo-matching' && span.kind === PRODUCER), {
      description: "matching's own publish in the trace",
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    // Every span's parent is in the trace: nothing started a trace of its own along the way.
    const spans = inTrace();
    const ids = new Set(spans.map((span) => span.spanId));
    expect(spans.filter((span) => span.parentSpanId !== '' && !ids.has(span.parentSpanId)).map((span) => `${span.service} ${span.name}`)).toEqual([]);
    expect(receiver.refused).toEqual([]);
  });
});
