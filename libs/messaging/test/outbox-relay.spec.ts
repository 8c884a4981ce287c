import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { OutboxRelay, connectNats, ensureStreams, eventStreamName, parseCloudEvent, silentLogger } from '../src';
import { SHARED_NATS_URL, PrivateNatsServer, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { appendRequests, requestsEventStore } from './support/request-events';
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
    await db.sql('truncate mutuo_outbox');
  });

  afterAll(async () => {
    await nc.drain();
    await db.drop();
  });

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

      const unsent = await db.sql<{ count: number }>('select count(*)::int as count from mutuo_outbox where sent_at is null');
      expect(unsent[0]!.count).toBe(0);
      expect(await publisher.stats()).toMatchObject({ leader: true, natsConnected: true, pending: 0, published: 20, lastError: null });
    } finally {
      await deleteStreams(nc, prefix);
    }
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

      await server.stop();
      const during = await appendRequests(store, db.em, podId, 6, 2);
      const duringOutage = await waitFor(async () => {
        const stats = await publisher.stats();
        return !stats.natsConnected && stats.consecutiveFailures > 0 && stats.pending === 12 && stats;
      }, { what: 'the relay to notice the outage' });
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

  it('records failed attempts on the rows and retries with backoff until the publish succeeds', async () => {
    const prefix = uniquePrefix();
    try {
      const store = requestsEventStore(prefix);
      const appended = await appendRequests(store, db.em, randomUUID(), 2);
      const publisher = relay(nc, { publishTimeoutMs: 500 });
      publisher.start();
      // No stream captures the subjects yet, so JetStream refuses every publish.
      const rows = await waitFor(async () => {
        const found = await db.sql<{ attempts: number; last_error: string | null }>(
          'select attempts, last_error from mutuo_outbox where sent_at is null order by global_position',
        );
        return found.every((row) => row.attempts >= 2) && found;
      }, { what: 'repeated failed attempts' });
      expect(rows).toHaveLength(2);
      expect(rows[0]!.last_error).toBeTruthy();
      expect((await publisher.stats()).consecutiveFailures).toBeGreaterThanOrEqual(2);

      await ensureStreams(jsm, { prefix, services: ['requests'] });
      await publisher.flush(10_000);
      const messages = await readStream(jsm, eventStreamName(prefix, 'requests'));
      expect(messages.map((message) => message.header.get('Nats-Msg-Id'))).toEqual(appended.map((event) => event.eventId));
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
      db.sql<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = 'mutuo-leader:mutuo:outbox-relay' and datname = current_database()`,
      );
    const publisher = relay(nc);
    publisher.start();
    await waitFor(async () => (await publisher.stats()).leader, { what: 'leadership' });
    const [before] = await lockSessions();
    await db.sql('select pg_terminate_backend($1)', [before!.pid]);
    await waitFor(async () => {
      const sessions = await lockSessions();
      return sessions.length === 1 && sessions[0]!.pid !== before!.pid && (await publisher.stats()).leader;
    }, { what: 'leadership on a new lock connection', timeoutMs: 15_000 });
  });
});

async function stopRelays(relays: OutboxRelay[]): Promise<void> {
  for (const relay of relays.splice(0)) {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
  }
}
