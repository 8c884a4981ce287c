import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { PostgresEventStore, streamName, type StoredEvent } from '@mutuo/event-store';
import { OutboxRelay, connectNats, ensureStreams, eventStreamName, parseCloudEvent, silentLogger } from '../src';
import { SHARED_NATS_URL, PrivateNatsServer, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { REGION, appendRequests, requestPosted, requestsEventStore, requestsOutboxMapper } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(60_000);

const FAST = { pollIntervalMs: 100, leaderRetryMs: 200, retryBackoff: { initialMs: 100, maxMs: 1_000 }, logger: silentLogger };

describe('OutboxRelay', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    nc = await connectNats(SHARED_NATS_URL, 'outbox-relay-spec');
    jsm = await jetstreamManager(nc);
  });

  afterEach(async () => {
    await stopRelays(relays);
    // Each test starts from an empty event store, so no relay meets another test's events.
    await db.sql('truncate mutuo_events, mutuo_outbox_checkpoints');
  });

  afterAll(async () => {
    await nc.drain();
    await db.drop();
  });

  const RELAY = 'mutuo:outbox-relay';

  async function storedCheckpoint(name = RELAY): Promise<{ transactionId: string; globalPosition: string } | undefined> {
    const [row] = await db.sql<{ transaction_id: string; global_position: string }>(
      'select transaction_id::text, global_position::text from mutuo_outbox_checkpoints where relay = $1',
      [name],
    );
    return row && { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  const positionOf = (event: StoredEvent) => ({ transactionId: event.transactionId, globalPosition: event.globalPosition });

  function relay(nats: NatsConnection, overrides: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
    const created = new OutboxRelay({ entityManager: db.em, nats, lockConnection: db.url, ...FAST, ...overrides });
    relays.push(created);
    return created;
  }

  it('publishes every appended event once, with Nats-Msg-Id = event id, in order within each stream', async () => {
    const prefix = uniquePrefix();
    try {
      await ensureStreams(jsm, { prefix, services: ['requests'] });
      const podId = randomUUID();
      const store = requestsEventStore(prefix);
      const appended = await appendRequests(store, db.em, podId, 5, 4);
      const publisher = relay(nc, { batchSize: 7 });
      publisher.start();
      await publisher.flush(10_000);

      const messages = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(messages).toHaveLength(20);
      expect(messages.map((message) => message.header.get('Nats-Msg-Id'))).toEqual(appended.map((event) => event.eventId));
      for (const message of messages) {
        const parsed = parseCloudEvent(message.data);
        if (!parsed.ok) throw new Error(parsed.reason);
        expect(parsed.event.id).toBe(message.header.get('Nats-Msg-Id'));
        expect(message.subject).toBe(`${prefix}.evt.test-region.${podId}.requests.request-posted.v1`);
      }
      const versionsByStream = new Map<string, number[]>();
      for (const message of messages) {
        const { event } = parseCloudEvent(message.data) as { event: { subject: string; streamversion: number } };
        versionsByStream.set(event.subject, [...(versionsByStream.get(event.subject) ?? []), event.streamversion]);
      }
      expect([...versionsByStream.values()]).toEqual(Array.from({ length: 5 }, () => [1, 2, 3, 4]));

      // Marked sent by moving past them: the checkpoint is the last event published.
      expect(await storedCheckpoint()).toEqual(positionOf(appended[appended.length - 1]!));
      expect(await publisher.stats()).toMatchObject({ leader: true, natsConnected: true, pending: 0, published: 20, lastError: null });
    } finally {
      await deleteStreams(nc, prefix);
    }
  });

  it('publishes each event as the CloudEvent the outbox mapper checked at append, rebuilt from its row', async () => {
    const prefix = uniquePrefix();
    try {
      await ensureStreams(jsm, { prefix, services: ['requests'] });
      const podId = randomUUID();
      const store = requestsEventStore(prefix);
      const own = await appendRequests(store, db.em, podId, 1);
      // Published data that is not the event's own (the contract trims the title), and an event nobody correlated.
      const padded = requestPosted(podId, randomUUID(), '  Soup, trimmed  ');
      const uncorrelated = requestPosted(podId, randomUUID());
      const { events: others } = await store.append(
        db.em.fork(),
        streamName('request', podId, randomUUID()),
        [padded, { ...uncorrelated, metadata: { occurredAt: uncorrelated.metadata.occurredAt, actorId: 'person-2', causationId: 'cmd-9' } }],
        'no_stream',
      );
      const appended = [...own, ...others];
      const publisher = relay(nc);
      publisher.start();
      await publisher.flush(10_000);

      const mapper = requestsOutboxMapper(prefix);
      const messages = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(messages.map((message) => parseCloudEvent(message.data))).toEqual(appended.map((event) => ({ ok: true, event: mapper(event)!.payload })));
      expect(messages.map((message) => [message.subject, message.header.get('Content-Type')])).toEqual(
        appended.map((event) => [mapper(event)!.subject, 'application/cloudevents+json']),
      );
      expect((parseCloudEvent(messages[1]!.data) as { event: { data: { title: string } } }).event.data.title).toBe('Soup, trimmed');
    } finally {
      await deleteStreams(nc, prefix);
    }
  });

  it('holds at an event whose subject is outside the event subject scheme, naming it', async () => {
    const store = new PostgresEventStore({ outbox: () => ({ subject: 'not-an-event-subject' }) });
    const { events } = await store.append(
      db.em.fork(),
      streamName('request', randomUUID(), randomUUID()),
      [requestPosted(randomUUID(), randomUUID())],
      'no_stream',
    );
    const publisher = relay(nc);
    publisher.start();
    const stats = await waitFor(
      async () => {
        const current = await publisher.stats();
        return current.consecutiveFailures >= 1 && current;
      },
      { what: 'the refused event' },
    );
    expect(stats).toMatchObject({ pending: 1, published: 0 });
    expect(stats.lastError).toContain(`Event ${events[0]!.eventId} cannot be published: "not-an-event-subject" is not an event subject`);
  });

  it('keeps appending while NATS is down and publishes everything exactly once when it is back', async () => {
    const prefix = uniquePrefix();
    const server = await PrivateNatsServer.start();
    const privateNc = await connectNats(server.url, 'outbox-relay-outage-spec', { reconnectTimeWait: 200, reconnectJitter: 50 });
    try {
      await ensureStreams(await jetstreamManager(privateNc), { prefix, services: ['requests'] });
      const podId = randomUUID();
      const store = requestsEventStore(prefix);
      const publisher = relay(privateNc, { publishTimeoutMs: 1_000 });
      publisher.start();
      const before = await appendRequests(store, db.em, podId, 3);
      await publisher.flush(10_000);

      await server.kill();
      const during = await appendRequests(store, db.em, podId, 6, 2);
      const duringOutage = await waitFor(
        async () => {
          const stats = await publisher.stats();
          return !stats.natsConnected && stats.consecutiveFailures > 0 && stats.pending === 12 && stats;
        },
        { what: 'the relay to notice the outage' },
      );
      expect(duringOutage.lastError).toBe('NATS is disconnected');

      await server.restart();
      await publisher.flush(20_000);

      const messages = await readStream(await jetstreamManager(privateNc), eventStreamName(prefix, 'requests'));
      const ids = messages.map((message) => message.header.get('Nats-Msg-Id'));
      expect(ids).toHaveLength(15);
      expect(new Set(ids).size).toBe(15);
      expect(new Set(ids)).toEqual(new Set([...before, ...during].map((event) => event.eventId)));
      expect(await publisher.stats()).toMatchObject({ natsConnected: true, consecutiveFailures: 0, pending: 0 });
    } finally {
      await stopRelays(relays);
      await privateNc.close();
      await server.destroy();
    }
  });

  it('retries with backoff, without moving its checkpoint, until the publish succeeds', async () => {
    const prefix = uniquePrefix();
    try {
      const store = requestsEventStore(prefix);
      const appended = await appendRequests(store, db.em, randomUUID(), 2);
      const publisher = relay(nc, { publishTimeoutMs: 500 });
      publisher.start();
      // No stream captures the subjects yet, so JetStream refuses every publish.
      const stats = await waitFor(
        async () => {
          const current = await publisher.stats();
          return current.consecutiveFailures >= 2 && current;
        },
        { what: 'repeated failed attempts' },
      );
      expect(stats).toMatchObject({ leader: true, pending: 2, published: 0 });
      expect(stats.lastError).toBeTruthy();
      expect(await storedCheckpoint()).toEqual({ transactionId: '0', globalPosition: '0' });

      await ensureStreams(jsm, { prefix, services: ['requests'] });
      await publisher.flush(10_000);
      const messages = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(messages.map((message) => message.header.get('Nats-Msg-Id'))).toEqual(appended.map((event) => event.eventId));
      expect(await storedCheckpoint()).toEqual(positionOf(appended[1]!));
      expect(await publisher.stats()).toMatchObject({ pending: 0, published: 2, consecutiveFailures: 0 });
    } finally {
      await deleteStreams(nc, prefix);
    }
  });

  it('stops at the first event JetStream refuses and publishes what follows it once, after the retry', async () => {
    const prefix = uniquePrefix();
    const heldStream = `${prefix.toUpperCase()}_HELD`;
    try {
      await ensureStreams(jsm, { prefix, services: ['requests'] });
      const podId = randomUUID();
      // An event on a subject no stream captures yet (another service's), between two that JetStream accepts.
      const heldStore = new PostgresEventStore({
        outbox: (event) => ({ subject: `${prefix}.evt.${REGION}.${event.podId}.held.request-held.v1` }),
      });
      const [first] = await appendRequests(requestsEventStore(prefix), db.em, podId, 1);
      const { events: held } = await heldStore.append(db.em.fork(), streamName('held', podId, randomUUID()), [requestPosted(podId, randomUUID())], 'no_stream');
      const [third] = await appendRequests(requestsEventStore(prefix), db.em, podId, 1);

      const publisher = relay(nc, { publishTimeoutMs: 1_000 });
      publisher.start();
      const failing = await waitFor(
        async () => {
          const current = await publisher.stats();
          return current.consecutiveFailures >= 1 && current;
        },
        { what: 'the refused publish' },
      );
      // Pipelined, the third event was stored already; the checkpoint still stops before the refused one.
      expect(failing).toMatchObject({ published: 1, pending: 2 });
      expect(await storedCheckpoint()).toEqual(positionOf(first!));
      const storedBeforeRetry = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(storedBeforeRetry.map((message) => message.header.get('Nats-Msg-Id'))).toEqual([first!.eventId, third!.eventId]);

      await jsm.streams.add({ name: heldStream, subjects: [`${prefix}.evt.*.*.held.>`], duplicate_window: 120_000_000_000 });
      await publisher.flush(10_000);

      // The retry published the third event again; JetStream dropped the copy.
      const requests = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(requests.map((message) => message.header.get('Nats-Msg-Id'))).toEqual([first!.eventId, third!.eventId]);
      const heldMessages = await readStream(jsm, heldStream);
      expect(heldMessages.map((message) => message.header.get('Nats-Msg-Id'))).toEqual([held[0]!.eventId]);
      expect(await storedCheckpoint()).toEqual(positionOf(third!));
      expect(await publisher.stats()).toMatchObject({ pending: 0, published: 3, consecutiveFailures: 0 });
    } finally {
      await deleteStreams(nc, prefix);
    }
  });

  it('lets only one relay per database publish, and another take over when it stops', async () => {
    const prefix = uniquePrefix();
    try {
      await ensureStreams(jsm, { prefix, services: ['requests'] });
      const podId = randomUUID();
      const store = requestsEventStore(prefix);
      const first = relay(nc);
      const second = relay(nc);
      first.start();
      second.start();
      await appendRequests(store, db.em, podId, 30);
      await first.flush(10_000);

      const [a, b] = [await first.stats(), await second.stats()];
      expect([a.leader, b.leader].filter(Boolean)).toHaveLength(1);
      expect(a.published + b.published).toBe(30);
      expect(Math.min(a.published, b.published)).toBe(0);

      const leader = a.leader ? first : second;
      const follower = a.leader ? second : first;
      await leader.stop();
      await appendRequests(store, db.em, podId, 10);
      await follower.flush(10_000);
      expect(await follower.stats()).toMatchObject({ leader: true, pending: 0 });

      const messages = await readStream(jsm, eventStreamName(prefix, 'requests'));
      const ids = messages.map((message) => message.header.get('Nats-Msg-Id'));
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    } finally {
      await deleteStreams(nc, prefix);
    }
  });

  it('gives up leadership when its lock connection dies, and takes it again on a new connection', async () => {
    const lockSessions = () =>
      db.sql<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'mutuo-leader:mutuo:outbox-relay' and datname = current_database()`);
    const publisher = relay(nc);
    publisher.start();
    await waitFor(async () => (await publisher.stats()).leader, { what: 'leadership' });
    const [before] = await lockSessions();
    await db.sql('select pg_terminate_backend($1)', [before!.pid]);
    await waitFor(
      async () => {
        const sessions = await lockSessions();
        return sessions.length === 1 && sessions[0]!.pid !== before!.pid && (await publisher.stats()).leader;
      },
      { what: 'leadership on a new lock connection', timeoutMs: 15_000 },
    );
  });
});

async function stopRelays(relays: OutboxRelay[]): Promise<void> {
  for (const relay of relays.splice(0)) {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
  }
}
