import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { PostgresEventStore } from '../src/postgres-event-store';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import { START_OF_ALL } from '../src/types';
import { EventUpcasters, InvalidUpcasterChain, type EventUpcaster } from '../src/upcasting/event-upcasters';
import { openTestDatabase } from './test-database';

/** A member's greeting: v1 had `name`; v2 added `regionId` (null before regions); v3 split `name` into `displayName`. */
const GREETING_UPCASTERS: EventUpcaster[] = [
  { type: 'Greeted', fromVersion: 2, upcast: ({ name, ...rest }) => ({ displayName: rest['displayName'] ?? name, ...rest }) },
  { type: 'Greeted', fromVersion: 1, upcast: (data) => ({ ...data, regionId: data['regionId'] ?? null }) },
];

describe('EventUpcasters in the store read path', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const upcasters = new EventUpcasters(GREETING_UPCASTERS);
  const store = new PostgresEventStore({ upcasters });
  const podId = randomUUID();
  const metadata = { occurredAt: '2026-12-01T10:00:00.000Z', actorId: 'test' };

  beforeAll(async () => {
    db = await openTestDatabase();
    orm = db.orm;
  });
  afterAll(() => db.close());

  /** As an older release wrote it: straight into the table, no schema version. */
  const insertAsWritten = (stream: string, position: number, data: object, meta: object = metadata) =>
    query(
      orm.em.fork(),
      `insert into mutuo_events (event_id, stream_id, stream_position, pod_id, type, data, metadata) values (?, ?, ?, ?, 'Greeted', ?::jsonb, ?::jsonb)`,
      [randomUUID(), stream, position, podId, JSON.stringify(data), JSON.stringify(meta)],
    );

  it('records the current schema version of each appended event', async () => {
    const stream = streamName('greeting', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [{ type: 'Greeted', data: { displayName: 'Ana', regionId: null }, metadata }], 'no_stream');

    const [row] = await query<{ metadata: { schemaVersion?: number } }>(orm.em.fork(), 'select metadata from mutuo_events where stream_id = ?', [stream]);
    expect(row!.metadata.schemaVersion).toBe(3);
  });

  it('gives readStream and readAll every older shape in the current one', async () => {
    const stream = streamName('greeting', podId, randomUUID());
    await insertAsWritten(stream, 1, { name: 'Ana' });
    await insertAsWritten(stream, 2, { name: 'Bo', regionId: 'r-1' }, { ...metadata, schemaVersion: 2 });
    await store.append(orm.em.fork(), stream, [{ type: 'Greeted', data: { displayName: 'Cy', regionId: 'r-2' }, metadata }], 2);

    const expected = [
      { displayName: 'Ana', regionId: null },
      { displayName: 'Bo', regionId: 'r-1' },
      { displayName: 'Cy', regionId: 'r-2' },
    ];
    expect((await store.readStream(orm.em.fork(), stream)).events.map((event) => event.data)).toEqual(expected);
    const all = await store.readAll(orm.em.fork(), START_OF_ALL, { limit: 1000 });
    expect(all.events.filter((event) => event.streamId === stream).map((event) => event.data)).toEqual(expected);
    expect((await store.readStreams(orm.em.fork(), [stream])).get(stream)!.map((event) => event.data)).toEqual(expected);
  });

  it('leaves an unversioned event that already has a later shape as it is', () => {
    const event = {
      eventId: randomUUID(),
      streamId: 'greeting:-:x',
      streamPosition: 1,
      podId: null,
      type: 'Greeted',
      data: { displayName: 'Di', regionId: 'r-3' },
      metadata,
      globalPosition: '1',
      transactionId: '1',
      recordedAt: metadata.occurredAt,
    };
    expect(upcasters.upcast(event).data).toEqual({ displayName: 'Di', regionId: 'r-3' });
  });

  it('refuses a chain with a gap', () => {
    expect(() => new EventUpcasters([{ type: 'Greeted', fromVersion: 2, upcast: (data) => data }])).toThrow(InvalidUpcasterChain);
  });
});
