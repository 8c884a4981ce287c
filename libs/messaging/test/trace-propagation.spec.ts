import { randomUUID } from 'node:crypto';
import { ALL_CONTRACTS, ContractRegistry, RequestPostedV1 } from '@mutuo/contracts';
import type { Command, Decider, DomainEvent } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, inSpan, streamName } from '@mutuo/event-store';
import { loadConfig, startTracing, telemetryVariablesShape, type Tracing } from '@mutuo/platform';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import { EventConsumer, OutboxRelay, connectNats, ensureStreams, eventStreamName, parseCloudEvent, silentLogger, type EventHandler } from '../src';
import { SHARED_NATS_URL, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { requestPosted, requestPostedCloudEvent, requestsEventStore } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(60_000);

type PostRequest = Command<'PostRequest', { podId: string; requestId: string }>;
type Posted = DomainEvent<'RequestPosted'>;
/** Just enough of the requests decider for a command to append a RequestPosted. */
const postingDecider: Decider<null, PostRequest, Posted> = {
  initialState: () => null,
  decide: (command) => [requestPosted(command.data.podId, command.data.requestId) as Posted],
  evolve: (state) => state,
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const tracingVariables = () => loadConfig(z.object(telemetryVariablesShape), {});

/**
 * The trace context through the event store, the outbox relay and JetStream, against the real PostgreSQL and NATS:
 * a command's trace is stored with its events, continued by the relay's publish (the CloudEvents `traceparent`
 * extension) and by every consumer's reaction, down to what the reaction appends.
 */
describe('trace propagation through the outbox and JetStream', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let prefix: string;
  let exporter: InMemorySpanExporter;
  let tracing: Tracing | undefined;
  const stoppers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    nc = await connectNats(SHARED_NATS_URL, 'trace-propagation-spec');
    jsm = await jetstreamManager(nc);
  });

  beforeEach(async () => {
    prefix = uniquePrefix();
    await ensureStreams(jsm, { prefix, services: ['requests'] });
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ service: 'requests', variables: tracingVariables(), exporter });
  });

  afterEach(async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop();
    await tracing?.shutdown();
    await deleteStreams(nc, prefix);
    await db.sql('truncate mutuo_events, mutuo_outbox_checkpoints, mutuo_inbox');
  });

  afterAll(async () => {
    await nc.drain();
    await db.drop();
  });

  function startRelay(): OutboxRelay {
    const relay = new OutboxRelay({ entityManager: db.em, nats: nc, lockConnection: db.url, pollIntervalMs: 50, logger: silentLogger });
    relay.start();
    stoppers.push(async () => {
      await relay.stop();
      relay.dispose();
    });
    return relay;
  }

  async function startConsumer(consumer: string, handler: EventHandler): Promise<EventConsumer> {
    const started = new EventConsumer({
      nats: nc,
      consumer,
      prefix,
      entityManager: db.em,
      handlers: new Map([[RequestPostedV1.type, handler]]),
      registry: new ContractRegistry(ALL_CONTRACTS),
      logger: silentLogger,
    });
    await started.start();
    stoppers.push(() => started.close());
    return started;
  }

  const spanId = (span: ReadableSpan) => span.spanContext().spanId;
  const named = (name: string, kind?: SpanKind) =>
    exporter.getFinishedSpans().filter((span) => span.name === name && (kind === undefined || span.kind === kind));

  it("continues one command's trace through the append, the publish and each consumer's reaction and appends", async () => {
    // What a reaction appends (matching's suggestions, say): into a stream that stays inside the consumer's service.
    const reactionStore = new PostgresEventStore();
    const reacted =
      (consumer: string): EventHandler =>
      async (event) => {
        await reactionStore.append(
          event.em,
          streamName('reaction', null, `${consumer}-${event.id}`),
          [{ type: 'Reacted', data: {}, metadata: { occurredAt: event.time, actorId: consumer } }],
          'no_stream',
        );
      };
    const matching = await startConsumer('matching', reacted('matching'));
    const notifications = await startConsumer('notifications', reacted('notifications'));
    const relay = startRelay();

    const podId = randomUUID();
    const requestId = randomUUID();
    const handler = new CommandHandler(
      requestsEventStore(prefix, () => relay.nudge()),
      postingDecider,
    );
    // The subgraph's span, as mountSubgraph starts it for the gateway's request.
    const operation = trace.getTracer('test');
    await inSpan(operation, { name: 'mutation PostRequest', kind: SpanKind.SERVER }, () =>
      handler.handle(db.em.fork(), streamName('request', podId, requestId), {
        type: 'PostRequest',
        data: { podId, requestId },
        metadata: { now: new Date().toISOString(), actorId: 'person-1', podId },
      }),
    );
    await waitFor(() => matching.stats().handled === 1 && notifications.stats().handled === 1, { what: 'both reactions' });
    await waitFor(() => named('append reaction').length === 2, { what: "the reactions' append spans" });

    const [root] = named('mutation PostRequest');
    const traceId = root!.spanContext().traceId;
    const spans = exporter.getFinishedSpans();
    expect(spans.filter((span) => span.spanContext().traceId !== traceId).map((span) => span.name)).toEqual([]);

    const [handle] = named('handle PostRequest');
    const [append] = named('append request');
    const [publish] = named('publish requests.request-posted.v1', SpanKind.PRODUCER);
    expect(handle!.parentSpanContext?.spanId).toBe(spanId(root!));
    expect(append!.parentSpanContext?.spanId).toBe(spanId(handle!));
    // The relay publishes later, in its own loop: its span's parent is the append, found in the stored event.
    expect(publish!.parentSpanContext?.spanId).toBe(spanId(append!));
    expect(publish!.attributes).toMatchObject({ 'messaging.system': 'nats', 'cloudevents.event_type': RequestPostedV1.type });

    const processed = named('process requests.request-posted.v1', SpanKind.CONSUMER);
    expect(processed.map((span) => [span.attributes['messaging.consumer.group.name'], span.parentSpanContext?.spanId]).sort()).toEqual([
      ['matching', spanId(publish!)],
      ['notifications', spanId(publish!)],
    ]);
    const reactions = named('append reaction');
    expect(reactions.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(processed.map(spanId).sort());

    // On the wire: the CloudEvents distributed-tracing extension names the publish span.
    const [message] = await readStream(jsm, eventStreamName(prefix, 'requests'));
    const parsed = parseCloudEvent(message!.data);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.traceparent).toBe(`00-${traceId}-${spanId(publish!)}-01`);
    // And in the reaction's stored event, for its own relay to continue.
    const stored = await db.sql<{ traceparent: string }>("select metadata ->> 'traceparent' as traceparent from mutuo_events where type = 'Reacted'");
    expect(stored.map((row) => TRACEPARENT.exec(row.traceparent)?.[1])).toEqual([traceId, traceId]);
  });

  it('passes the stored trace context on unchanged when the relay runs without tracing', async () => {
    const podId = randomUUID();
    const store = requestsEventStore(prefix);
    const appended = await inSpan(trace.getTracer('test'), { name: 'operation' }, () =>
      store.append(db.em.fork(), streamName('request', podId, randomUUID()), [requestPosted(podId, randomUUID())], 'no_stream'),
    );
    const append = await waitFor(() => named('append request')[0], { what: 'the append span' });
    await tracing!.shutdown();
    tracing = undefined;

    const relay = startRelay();
    await relay.flush(10_000);
    const [message] = await readStream(jsm, eventStreamName(prefix, 'requests'));
    const parsed = parseCloudEvent(message!.data);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.id).toBe(appended.events[0]!.eventId);
    expect(parsed.event.traceparent).toBe(`00-${append!.spanContext().traceId}-${spanId(append!)}-01`);
  });

  it('appends and publishes without any trace context when tracing is off', async () => {
    await tracing!.shutdown();
    tracing = undefined;
    const podId = randomUUID();
    await requestsEventStore(prefix).append(db.em.fork(), streamName('request', podId, randomUUID()), [requestPosted(podId, randomUUID())], 'no_stream');
    const [row] = await db.sql<{ metadata: Record<string, unknown> }>('select metadata from mutuo_events');
    expect(Object.keys(row!.metadata).filter((key) => key.startsWith('trace'))).toEqual([]);

    await startRelay().flush(10_000);
    const [message] = await readStream(jsm, eventStreamName(prefix, 'requests'));
    const parsed = parseCloudEvent(message!.data);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.traceparent).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('drops a malformed trace context instead of refusing the event', () => {
    const event = { ...requestPostedCloudEvent(randomUUID()), traceparent: 'not-a-traceparent', tracestate: 'x'.repeat(600) };
    const parsed = parseCloudEvent(JSON.stringify(event));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.id).toBe(event.id);
    expect([parsed.event.traceparent, parsed.event.tracestate]).toEqual([undefined, undefined]);
  });
});
