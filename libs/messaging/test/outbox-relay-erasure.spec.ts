import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { memberIdFor, RequestPostedV1 } from '@mutuo/contracts';
import {
  DEV_PERSONAL_DATA_KEKS,
  KeyEncryptionKeys,
  PERSONAL_DATA_KEY_WRAPPING_SQL,
  PERSONAL_DATA_KEYS_SCHEMA_SQL,
  PersonalDataCodec,
  PostgresEventStore,
  PUBLISHED_PERSONAL_DATA_SCHEMA_SQL,
  destroyPersonalDataKey,
  standIn,
  streamName,
} from '@mutuo/event-store';
import { OutboxRelay, connectNats, createOutboxMapper, ensureStreams, eventStreamName, silentLogger } from '../src';
import { SHARED_NATS_URL, deleteStreams, readStream, uniquePrefix, waitFor } from './support/nats-fixtures';
import { REGION, requestPosted } from './support/request-events';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(60_000);

/** Requests' rule, in short: a request's title is its requester's, sealed with their key. */
const codec = new PersonalDataCodec(
  {
    fieldsOf: (event) => (event.type === 'RequestPosted' ? { title: standIn('Former member') } : undefined),
    ownerOf: (event) => (event.data as { requesterMemberId: string }).requesterMemberId,
  },
  KeyEncryptionKeys.parse(DEV_PERSONAL_DATA_KEKS),
);

describe('erasure reaches the broker', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    db = await createTestDatabase(PERSONAL_DATA_KEYS_SCHEMA_SQL + PERSONAL_DATA_KEY_WRAPPING_SQL + PUBLISHED_PERSONAL_DATA_SCHEMA_SQL);
    nc = await connectNats(SHARED_NATS_URL, 'outbox-relay-erasure-spec');
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc.drain();
    await db.drop();
  });

  it("erases from the JetStream stream every message that carried an erased member's text, and keeps the others", async () => {
    const prefix = uniquePrefix();
    const relay = new OutboxRelay({
      entityManager: db.em,
      nats: nc,
      lockConnection: db.url,
      codec,
      pollIntervalMs: 50,
      erasureIntervalMs: 50,
      logger: silentLogger,
    });
    try {
      await ensureStreams(jsm, { prefix, services: ['requests'] });
      const store = new PostgresEventStore({
        codec,
        outbox: createOutboxMapper({ service: 'requests', region: REGION, prefix, map: (event) => ({ contract: RequestPostedV1, data: event.data }) }),
      });
      const podId = randomUUID();
      const post = async (person: string, title: string) => {
        const requestId = randomUUID();
        const event = requestPosted(podId, requestId, title);
        const data = { ...(event.data as object), requesterMemberId: memberIdFor(podId, person) };
        await store.append(db.em.fork(), streamName('request', podId, requestId), [{ ...event, data }], 'no_stream');
      };
      await post('person-erased', 'Quillon needs firewood');
      await post('person-erased', 'Quillon needs a lift');
      await post('person-staying', 'Soup for Marguerite');
      relay.start();
      await relay.flush(10_000);
      const stream = eventStreamName(prefix, 'requests');
      const texts = async () => (await readStream(jsm, stream)).map((message) => new TextDecoder().decode(message.data));
      // Consumers need the title: it leaves opened.
      expect((await texts()).filter((text) => text.includes('Quillon'))).toHaveLength(2);

      await destroyPersonalDataKey(db.em.fork(), memberIdFor(podId, 'person-erased'));

      const remaining = await waitFor(
        async () => {
          const now = await texts();
          return now.length === 1 ? now : undefined;
        },
        { what: "the erased member's messages to be gone" },
      );
      expect(remaining.join('\n')).not.toContain('Quillon');
      expect(remaining[0]).toContain('Soup for Marguerite');
      // Erased messages are forgotten; the other member's stays remembered for a later erasure.
      expect(await db.sql('select stream from mutuo_published_personal_data')).toEqual([{ stream }]);

      // A relay behind the erasure publishes the stand-in: nothing to erase later.
      await relay.stop();
      await post('person-erased', 'Quillon again');
      await destroyPersonalDataKey(db.em.fork(), memberIdFor(podId, 'person-erased'));
      relay.start();
      await relay.flush(10_000);
      const after = await texts();
      expect(after).toHaveLength(2);
      expect(after.join('\n')).not.toContain('Quillon');
      expect(after.join('\n')).toContain('Former member');
      expect(await db.sql('select stream from mutuo_published_personal_data')).toHaveLength(1);
    } finally {
      await relay.stop();
      relay.dispose();
      await deleteStreams(nc, prefix);
    }
  });
});
