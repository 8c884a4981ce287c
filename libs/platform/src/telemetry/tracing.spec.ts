import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import express from 'express';
import { z } from 'zod';
import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { serviceConfigSchema } from '../config/service-config';
import { otlpTracesUrl, startTracing } from './start-tracing';
import { telemetryVariablesShape } from './telemetry-variables';
import { traceGraphqlRequests } from './trace-graphql-requests';

const variables = (env: Record<string, string> = {}) => loadConfig(z.object(telemetryVariablesShape), env);

function configProblem(env: Record<string, string>): string {
  try {
    variables(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('telemetry variables', () => {
  it('leave tracing off, recording every trace once on, when nothing is set', () => {
    expect(variables()).toEqual({ OTEL_TRACES_SAMPLER_ARG: 1, OTEL_BSP_SCHEDULE_DELAY: 5_000 });
    expect(loadConfig(serviceConfigSchema('requests'), {}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  it('read the endpoint, headers, service name, ratio and export delay', () => {
    expect(
      variables({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.internal:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret, X-Tenant = north',
        OTEL_SERVICE_NAME: 'requests-eu',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }),
    ).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.internal:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: { 'api-key': 's=cret', 'x-tenant': 'north' },
      OTEL_SERVICE_NAME: 'requests-eu',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
      OTEL_BSP_SCHEDULE_DELAY: 200,
    });
    expect(otlpTracesUrl('https://collector.internal:4318/')).toBe('https://collector.internal:4318/v1/traces');
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'api-key'],
    ['OTEL_SERVICE_NAME', 'requests service'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5'],
    ['OTEL_BSP_SCHEDULE_DELAY', '5'],
  ])('refuse %s=%s, naming the variable', (name, value) => {
    expect(configProblem({ [name]: value })).toMatch(new RegExp(`^Invalid configuration: ${name} must`));
  });
});

describe('startTracing', () => {
  it('registers nothing without an endpoint: spans are no-ops and no trace context propagates', async () => {
    const tracing = startTracing({ service: 'requests', variables: variables() });
    expect(tracing.enabled).toBe(false);
    const span = trace.getTracer('test').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    expect(carrier).toEqual({});
    await tracing.shutdown();
  });

  it('records spans under the service name, propagates W3C trace context, and can start again after shutdown', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ service: 'requests', variables: variables(), environment: 'test', exporter });
    expect(tracing.enabled).toBe(true);
    expect(() => startTracing({ service: 'matching', variables: variables(), exporter })).toThrow(/already started/);

    const carrier: Record<string, string> = {};
    await trace.getTracer('test').startActiveSpan('outer', async (span) => {
      await Promise.resolve();
      propagation.inject(context.active(), carrier);
      span.end();
    });
    const [outer] = exporter.getFinishedSpans();
    expect(outer?.resource.attributes).toMatchObject({ 'service.name': 'mutuo-requests', 'service.namespace': 'mutuo', 'deployment.environment.name': 'test' });
    expect(carrier.traceparent).toBe(`00-${outer!.spanContext().traceId}-${outer!.spanContext().spanId}-01`);

    await tracing.shutdown();
    const again = startTracing({ service: 'matching', variables: variables(), exporter: new InMemorySpanExporter() });
    await again.shutdown();
    expect(trace.getTracer('test').startSpan('after').isRecording()).toBe(false);
  });
});

describe('traceGraphqlRequests', () => {
  async function serve(continueIncomingTrace: boolean) {
    const app = express();
    app.use(express.json(), traceGraphqlRequests({ tracerName: 'test', continueIncomingTrace }), (_req, res) => {
      // The handler runs inside the request's span, as Apollo and the resolvers do.
      res.setHeader('x-correlation-id', 'c-1');
      res.json({ traceId: trace.getActiveSpan()?.spanContext().traceId ?? null });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: incoming }, body: JSON.stringify(body) }).then(
      (response) => response.json() as Promise<{ traceId: string | null }>,
    );

  it('serves each request in a span named after its operation, continuing the caller trace only when told to', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ service: 'requests', variables: variables(), exporter });
    const subgraph = await serve(true);
    const gateway = await serve(false);
    try {
      expect(await post(subgraph.url, { query: 'mutation PostRequest__requests__0($input: PostRequestInput!) { postRequest(input: $input) { id } }' })).toEqual(
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
        },
      );
      const fromGateway = await post(gateway.url, { query: '{ me { id } }' });
      expect(fromGateway.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(fromGateway.traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');

      const spans = exporter.getFinishedSpans();
      expect(
        spans.map((span) => [span.name, span.parentSpanContext?.spanId, span.attributes['mutuo.correlation_id'], span.attributes['http.response.status_code']]),
      ).toEqual([
        ['mutation PostRequest__requests__0', 'b7ad6b7169203331', 'c-1', 200],
        ['query', undefined, 'c-1', 200],
      ]);
    } finally {
      await subgraph.close();
      await gateway.close();
      await tracing.shutdown();
    }
  });
});
