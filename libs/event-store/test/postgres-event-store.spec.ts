import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DomainEventMetadata } from '@mutuo/domain';
import { PostgresEventStore, currentVersionSubquery } from '../src/postgres-event-store';
import { StreamVersionConflict } from '../src/errors';
import { streamName } from '../src/stream-name';
import { START_OF_ALL, type GlobalCheckpoint, type StoredEvent } from '../src/types';
import { query } from '../src/sql';
import { openTestDatabase } from './test-database';

const podId = randomUUID();
const metadata: DomainEventMetadata = { occurredAt: '2026-11-25T10:00:00.000Z', actorId: 'person-1', podId };
const noted = (n: number) => ({ type: 'NoteAdded', data: { n }, metadata });

describe('PostgresEventStore', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  // Note 3 publishes other data than its own, note 4 publishes JSON null; the others their own data.
  const store = new PostgresEventStore({
    outbox: (event) => {
      if (event.type !== 'NoteAdded') return null;
      const { n } = event.data as { n: number };
      return n === 3 ? { subject: 'test.NoteAdded', data: { shared: 3 } } : n === 4 ? { subject: 'test.NoteAdded', data: null } : { subject: 'test.NoteAdded' };
    },
  });
  type PublishColumns = { publish_subject: string | null; publish_data: unknown; publish_data_type: string | null };
  const PUBLISH_COLUMNS = 'publish_subject, publish_data, jsonb_typeof(publish_data) as publish_data_type';

  beforeAll(async () => {
    db = await openTestDatabase();
    orm = db.orm;
  });
  afterAll(() => db.close());

  it('appends to a new stream and reads it back in order, every row carrying the pod', async () => {
    const stream = streamName('note', podId, randomUUID());
    const result = await store.append(orm.em.fork(), stream, [noted(1), noted(2)], 'no_stream');

    expect(result.nextExpectedVersion).toBe(2);
    const read = await store.readStream(orm.em.fork(), stream);
    expect(read.currentVersion).toBe(2);
    expect(read.events.map((e) => [e.streamPosition, e.data, e.podId])).toEqual([
      [1, { n: 1 }, podId],
      [2, { n: 2 }, podId],
    ]);
  });

  it("reads a stream's current version alone or as a subquery of another statement, 0 for a stream with no events", async () => {
    const stream = streamName('note', podId, randomUUID());
    const empty = streamName('note', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [noted(1), noted(2), noted(3)], 'no_stream');

    expect(await store.currentVersion(orm.em.fork(), stream)).toBe(3);
    expect(await store.currentVersion(orm.em.fork(), empty)).toBe(0);
    const [of, ofEmpty] = [currentVersionSubquery(stream), currentVersionSubquery(empty)];
    const [row] = await query<{ label: string; version: number; empty_version: number }>(
      orm.em.fork(),
      `select ? as label, ${of.sql} as version, ${ofEmpty.sql} as empty_version`,
      ['alongside', ...of.params, ...ofEmpty.params],
    );
    expect(row).toEqual({ label: 'alongside', version: 3, empty_version: 0 });
  });

  it('returns the appended events as stored, with the global positions taken in stream order', async () => {
    const stream = streamName('note', podId, randomUUID());
    const result = await store.append(
      orm.em.fork(),
      stream,
      Array.from({ length: 12 }, (_, i) => noted(i + 1)),
      'no_stream',
    );

    expect(result.events).toEqual((await store.readStream(orm.em.fork(), stream)).events);
    const positions = result.events.map((e) => BigInt(e.globalPosition));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('stores the subject of each event that leaves the service, and its data only when it publishes other data', async () => {
    const stream = streamName('note', podId, randomUUID());
    const { events } = await store.append(orm.em.fork(), stream, [noted(1), { ...noted(2), type: 'InternalOnly' }, noted(3), noted(4)], 'no_stream');

    const rows = await query<{ event_id: string } & PublishColumns>(
      orm.em.fork(),
      `select event_id, ${PUBLISH_COLUMNS} from mutuo_events where stream_id = ? order by stream_position`,
      [stream],
    );
    expect(rows).toEqual([
      { event_id: events[0]!.eventId, publish_subject: 'test.NoteAdded', publish_data: null, publish_data_type: null },
      { event_id: events[1]!.eventId, publish_subject: null, publish_data: null, publish_data_type: null },
      { event_id: events[2]!.eventId, publish_subject: 'test.NoteAdded', publish_data: { shared: 3 }, publish_data_type: 'object' },
      // Published data that is JSON null is stored as such, not taken for "its own data".
      { event_id: events[3]!.eventId, publish_subject: 'test.NoteAdded', publish_data: null, publish_data_type: 'null' },
    ]);
  });

  it('stores the outbox message of a single-event append the same way', async () => {
    const stream = streamName('note', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [noted(7)], 'no_stream');
    await store.append(orm.em.fork(), stream, [noted(3)], 1);
    await store.append(orm.em.fork(), stream, [noted(4)], 2);
    await store.append(orm.em.fork(), stream, [{ type: 'InternalOnly', data: null, metadata }], 3);

    const rows = await query<{ data: unknown } & PublishColumns>(
      orm.em.fork(),
      `select data, ${PUBLISH_COLUMNS} from mutuo_events where stream_id = ? order by stream_position`,
      [stream],
    );
    expect(rows).toEqual([
      { data: { n: 7 }, publish_subject: 'test.NoteAdded', publish_data: null, publish_data_type: null },
      { data: { n: 3 }, publish_subject: 'test.NoteAdded', publish_data: { shared: 3 }, publish_data_type: 'object' },
      { data: { n: 4 }, publish_subject: 'test.NoteAdded', publish_data: null, publish_data_type: 'null' },
      // `null` data is stored as the JSON value null.
      { data: null, publish_subject: null, publish_data: null, publish_data_type: null },
    ]);
    const [dataIsJson] = await query<{ json_null: boolean }>(
      orm.em.fork(),
      `select data is not null and jsonb_typeof(data) = 'null' as json_null from mutuo_events where stream_id = ? and stream_position = 4`,
      [stream],
    );
    expect(dataIsJson).toEqual({ json_null: true });
  });

  it('leaves no event (and so nothing to publish) behind when the caller rolls back', async () => {
    const stream = streamName('note', podId, randomUUID());
    await expect(
      orm.em.fork().transactional(async (tx) => {
        await store.append(tx, stream, [noted(1)], 'no_stream');
        throw new Error('read model update failed');
      }),
    ).rejects.toThrow('read model update failed');

    const [counts] = await query<{ events: number }>(orm.em.fork(), 'select count(*)::int as events from mutuo_events where stream_id = ?', [stream]);
    expect(counts).toEqual({ events: 0 });
  });

  it('tells who follows the store about events appended in a transaction when it commits, not before', async () => {
    const woken: string[] = [];
    const following = new PostgresEventStore({ onAppended: (events) => woken.push(...events.map((event) => event.streamId)) });
    const stream = streamName('note', podId, randomUUID());
    await orm.em.fork().transactional(async (tx) => {
      await tx.transactional(async (savepoint) => {
        await following.append(savepoint, stream, [noted(1)], 'no_stream');
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(woken).toEqual([]);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toEqual([stream]);
  });

  it('rejects an append at a stale version with a typed conflict that names the actual version', async () => {
    const stream = streamName('note', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [noted(1), noted(2)], 'no_stream');

    const attempt = store.append(orm.em.fork(), stream, [noted(3)], 1);
    await expect(attempt).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(attempt).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    await expect(store.append(orm.em.fork(), stream, [noted(3)], 'no_stream')).rejects.toBeInstanceOf(StreamVersionConflict);
  });

  it('lets exactly one of many concurrent appends at the same expected version win', async () => {
    const stream = streamName('note', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [noted(0)], 'no_stream');

    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.append(orm.em.fork(), stream, [noted(i)], 1)));

    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(11);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(StreamVersionConflict);
    expect((await store.readStream(orm.em.fork(), stream)).currentVersion).toBe(2);
  });

  it('refuses to update or delete stored events', async () => {
    const stream = streamName('note', podId, randomUUID());
    await store.append(orm.em.fork(), stream, [noted(1)], 'no_stream');

    await expect(query(orm.em.fork(), 'update mutuo_events set data = ? where stream_id = ?', ['{}', stream])).rejects.toThrow(/append-only/);
    await expect(query(orm.em.fork(), 'delete from mutuo_events where stream_id = ?', [stream])).rejects.toThrow(/append-only/);
  });

  it('gives a reader following the global order every event exactly once, even when writers commit out of order', async () => {
    const writers = 16;
    const eventsPerWriter = 15;
    const seen: StoredEvent[] = [];
    let checkpoint: GlobalCheckpoint = START_OF_ALL;
    let writing = true;

    // Each writer holds its transaction open for a random time after appending, so later positions
    // often commit before earlier ones — exactly the case where a naive "position > last" reader skips events.
    const writeAll = Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const stream = streamName('order', podId, randomUUID());
        for (let i = 0; i < eventsPerWriter; i++) {
          await orm.em.fork().transactional(async (tx) => {
            await store.append(tx, stream, [{ type: 'Ordered', data: { writer, i }, metadata }], i === 0 ? 'no_stream' : i);
            await sleep(Math.random() * 15);
          });
        }
      }),
    ).finally(() => {
      writing = false;
    });

    const readAll = (async () => {
      for (;;) {
        const wasWriting = writing;
        const page = await store.readAll(orm.em.fork(), checkpoint, { limit: 37, eventTypes: ['Ordered'] });
        seen.push(...page.events);
        checkpoint = page.checkpoint;
        if (!wasWriting && page.events.length === 0) return;
        if (page.events.length === 0) await sleep(2);
      }
    })();

    await Promise.all([writeAll, readAll]);

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(writers * eventsPerWriter);
    // Per stream, the reader saw the events in stream order.
    const byStream = new Map<string, number[]>();
    for (const event of seen) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.streamPosition]);
    for (const positions of byStream.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
