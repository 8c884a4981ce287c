import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PostgresEventStore } from '../src/postgres-event-store';
import { ProjectionRunner, type Projection, type ProjectionFailure } from '../src/projection-runner';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import type { StoredEvent } from '../src/types';
import { openTestDatabase, untilEventsReadable } from './test-database';

/**
 * A poison event (one the projection cannot apply, like an old event missing a field it binds) is parked for its
 * projection: other pods' read models advance, later events of its stream wait behind it, and a retry after the
 * fix applies them in stream order. Real PostgreSQL, no mocks.
 */
const READ_MODEL_SQL = `
create table stream_totals (stream_id text primary key, pod_id uuid not null, total int not null, positions int[] not null);`;

/** Binds `data.by` as it is: an event without it makes knex throw "Undefined binding(s)", as the real bug did. */
let fixed = false;
/** Event ids that throw a serialization failure once (a transient error), to show those are retried, never parked. */
const failOnceTransiently = new Set<string>();

const totalsProjection: Projection = {
  name: 'stream-totals',
  eventTypes: ['Added'],
  async apply(em: EntityManager, event: StoredEvent) {
    if (failOnceTransiently.delete(event.eventId)) {
      throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    }
    const data = event.data as { by?: number };
    const by = fixed ? (data.by ?? 0) : data.by;
    await query(
      em,
      `insert into stream_totals (stream_id, pod_id, total, positions) values (?, ?, ?, array[?::int])
       on conflict (stream_id) do update set total = stream_totals.total + excluded.total, positions = stream_totals.positions || excluded.positions`,
      [event.streamId, event.podId, by, event.streamPosition],
    );
  },
  async reset(em: EntityManager) {
    await query(em, 'truncate stream_totals');
  },
};

describe('ProjectionRunner with a poison event', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const store = new PostgresEventStore();
  const podA = randomUUID();
  const podB = randomUUID();
  const counted: ProjectionFailure[] = [];
  const reported: ProjectionFailure[] = [];
  let runner: ProjectionRunner;

  beforeAll(async () => {
    db = await openTestDatabase(READ_MODEL_SQL);
    orm = db.orm;
    runner = new ProjectionRunner(orm.em, store, [totalsProjection], {
      batchSize: 50,
      countFailure: (failure) => counted.push(failure),
      reportFailure: (failure) => reported.push(failure),
      failureReportIntervalMs: 60_000,
    });
  });
  afterAll(() => db.close());

  const add = (stream: string, by: number | undefined) =>
    store.append(
      orm.em.fork(),
      stream,
      [{ type: 'Added', data: by === undefined ? {} : { by }, metadata: { occurredAt: new Date().toISOString(), actorId: 'test' } }],
      'any',
    );
  const totals = async () =>
    new Map(
      (await query<{ stream_id: string; total: number; positions: number[] }>(orm.em.fork(), 'select * from stream_totals')).map((row) => [
        row.stream_id,
        { total: row.total, positions: row.positions },
      ]),
    );

  const streamA1 = streamName('tally', podA, randomUUID());
  const streamA2 = streamName('tally', podA, randomUUID());
  const streamB1 = streamName('tally', podB, randomUUID());

  it("parks pod A's unappliable event and its stream's later events, while pod B and A's other streams advance", async () => {
    await add(streamA1, 1);
    const poison = await add(streamA1, undefined);
    await add(streamA1, 2);
    await add(streamB1, 10);
    await add(streamA2, 5);
    await add(streamA1, 3);
    await add(streamB1, 20);
    expect((await runner.lag()).get('stream-totals')).toBe(7);

    await untilEventsReadable(orm);
    await runner.catchUp();

    const after = await totals();
    expect(after.get(streamB1)).toEqual({ total: 30, positions: [1, 2] });
    expect(after.get(streamA2)).toEqual({ total: 5, positions: [1] });
    expect(after.get(streamA1)).toEqual({ total: 1, positions: [1] });
    const parked = await runner.parked('stream-totals');
    expect(parked.map((entry) => [entry.streamId, entry.streamPosition, entry.reason, entry.podId])).toEqual([
      [streamA1, 2, 'failed', podA],
      [streamA1, 3, 'waiting-behind', podA],
      [streamA1, 4, 'waiting-behind', podA],
    ]);
    expect(parked[0]!.eventId).toBe(poison.events[0]!.eventId);
    expect(parked[0]!.error).toMatch(/Undefined binding/);
    // Loud: counted for the metric, reported with the event and the projection for the log; and the lag is gone.
    expect(counted).toHaveLength(1);
    expect(reported[0]).toMatchObject({ projection: 'stream-totals', outcome: 'parked', event: { eventId: poison.events[0]!.eventId } });
    expect((await runner.lag()).get('stream-totals')).toBe(0);
    expect((await runner.parkedCounts()).get('stream-totals')).toBe(3);
  });

  it('parks later events of the blocked stream behind it, in later batches too', async () => {
    await add(streamA1, 4);
    await add(streamB1, 30);

    await untilEventsReadable(orm);
    await runner.catchUp();

    expect((await totals()).get(streamB1)?.total).toBe(60);
    expect((await runner.parked('stream-totals')).map((entry) => entry.streamPosition)).toEqual([2, 3, 4, 5]);
  });

  it('keeps them parked when a retry fails again, recording the attempt', async () => {
    const result = await runner.retryParked('stream-totals');

    expect(result).toMatchObject({ applied: 0, stillParked: 4 });
    const [failed] = await runner.parked('stream-totals');
    expect(failed).toMatchObject({ reason: 'failed', attempts: 2 });
    expect((await totals()).get(streamA1)).toEqual({ total: 1, positions: [1] });
  });

  it('applies the parked events in stream order after the fix, and the stream then flows again', async () => {
    fixed = true;
    const result = await runner.retryParked('stream-totals');

    expect(result).toMatchObject({ applied: 4, stillParked: 0 });
    expect(await runner.parked('stream-totals')).toEqual([]);
    expect((await totals()).get(streamA1)).toEqual({ total: 1 + 0 + 2 + 3 + 4, positions: [1, 2, 3, 4, 5] });

    await add(streamA1, 100);
    await untilEventsReadable(orm);
    await runner.catchUp();
    expect((await totals()).get(streamA1)?.positions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('retries a batch that failed on a transient error instead of parking anything', async () => {
    const stream = streamName('tally', podB, randomUUID());
    const { events } = await add(stream, 7);
    failOnceTransiently.add(events[0]!.eventId);
    counted.length = 0;

    await untilEventsReadable(orm);
    await expect(runner.catchUp()).rejects.toMatchObject({ name: 'EventApplyFailure' });
    expect(counted).toEqual([expect.objectContaining({ outcome: 'retrying', event: expect.objectContaining({ eventId: events[0]!.eventId }) })]);
    expect(await runner.parked('stream-totals')).toEqual([]);
    expect((await runner.lag()).get('stream-totals')).toBe(1);

    await untilEventsReadable(orm);
    await runner.catchUp();
    expect((await totals()).get(stream)).toEqual({ total: 7, positions: [1] });
  });
});
