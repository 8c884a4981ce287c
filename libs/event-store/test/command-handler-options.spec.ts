import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent, DomainRuleViolation, eventMetadataFrom } from '@mutuo/domain';
import { CommandHandler } from '../src/command-handler';
import { StreamVersionConflict } from '../src/errors';
import { PostgresEventStore } from '../src/postgres-event-store';
import { streamName } from '../src/stream-name';
import { openTestDatabase } from './test-database';

// A counter that refuses to pass a limit: enough to see what was decided against which version.
type CounterState = { total: number };
type Increment = Command<'Increment', { by: number; limit: number }>;
type Incremented = DomainEvent<'Incremented', { by: number }>;

const counter: Decider<CounterState, Increment, Incremented> = {
  initialState: () => ({ total: 0 }),
  decide(command, state) {
    if (command.data.by === 0) return [];
    if (state.total + command.data.by > command.data.limit) throw new DomainRuleViolation('LIMIT_REACHED', 'Over the limit', 'by');
    return [{ type: 'Incremented', data: { by: command.data.by }, metadata: eventMetadataFrom(command.metadata) }];
  },
  evolve: (state, event) => ({ total: state.total + event.data.by }),
};

const podId = randomUUID();
const increment = (by: number, limit = 1_000): Increment => ({
  type: 'Increment',
  data: { by, limit },
  metadata: { now: '2026-12-07T10:00:00.000Z', actorId: 'person-1', podId },
});
const newStream = () => streamName('counter', podId, randomUUID());

describe('CommandHandler options', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const store = new PostgresEventStore();
  const handler = new CommandHandler(store, counter);

  beforeAll(async () => {
    db = await openTestDatabase();
    orm = db.orm;
  });
  afterAll(() => db.close());

  const eventDataOf = async (stream: string) => (await store.readStream(orm.em.fork(), stream)).events.map((event) => event.data);

  describe('expectedVersion', () => {
    it('given the stream at the version the caller saw, when handled, then the events are appended after it', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(1));
      const result = await handler.handle(orm.em.fork(), stream, increment(2), { expectedVersion: 1 });
      expect(result).toMatchObject({ state: { total: 3 }, version: 2 });
    });

    it('given the stream moved on, when handled at the older version, then StreamVersionConflict before deciding, and nothing written', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(1));
      await handler.handle(orm.em.fork(), stream, increment(1));
      // A command the decider would refuse shows the version is checked first.
      const stale = handler.handle(orm.em.fork(), stream, increment(5, 0), { expectedVersion: 1 });
      await expect(stale).rejects.toBeInstanceOf(StreamVersionConflict);
      await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      expect(await eventDataOf(stream)).toHaveLength(2);
    });

    it('given two concurrent edits at one version, then exactly one is appended and the other gets StreamVersionConflict', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(1));
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map((by) => handler.handle(orm.em.fork(), stream, increment(by), { expectedVersion: 1 })));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((candidate): candidate is PromiseRejectedResult => candidate.status === 'rejected')) {
        expect(outcome.reason).toBeInstanceOf(StreamVersionConflict);
      }
      expect(await eventDataOf(stream)).toHaveLength(2);
    });
  });

  describe('retryOnConflict', () => {
    it('given it is off, when concurrent commands race, then the losers get StreamVersionConflict instead of deciding again', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(1));
      const outcomes = await Promise.allSettled(
        [1, 2, 3, 4, 5, 6].map((by) => handler.handle(orm.em.fork(), stream, increment(by), { retryOnConflict: false })),
      );
      const appended = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      expect(appended).toBeGreaterThanOrEqual(1);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled' || outcome.reason instanceof StreamVersionConflict)).toBe(true);
      expect(await eventDataOf(stream)).toHaveLength(1 + appended);
    });

    it('given it is on (the default), when concurrent commands race, then every one is decided again until appended', async () => {
      const stream = newStream();
      const retrying = new CommandHandler(store, counter, { maxAttempts: 50 });
      await Promise.all([1, 2, 3, 4, 5, 6].map((by) => retrying.handle(orm.em.fork(), stream, increment(by))));
      expect((await retrying.load(orm.em.fork(), stream)).state).toEqual({ total: 21 });
    });
  });

  describe('loaded', () => {
    it('given the state the caller read, when handled, then decided against it and appended at its version', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(4));
      const loaded = await handler.load(orm.em.fork(), stream);
      const result = await handler.handle(orm.em.fork(), stream, increment(1), { loaded });
      expect(result).toMatchObject({ state: { total: 5 }, version: 2 });
      expect(result.newEvents.map((event) => event.streamPosition)).toEqual([2]);
    });

    it('given another writer appended since, when handled with the stale state, then StreamVersionConflict and the transaction fails', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(1));
      const loaded = await handler.load(orm.em.fork(), stream);
      await handler.handle(orm.em.fork(), stream, increment(1));
      await expect(
        orm.em.fork().transactional(async (tx) => {
          await handler.handle(tx, newStream(), increment(1));
          await handler.handle(tx, stream, increment(1), { loaded });
        }),
      ).rejects.toBeInstanceOf(StreamVersionConflict);
      expect(await eventDataOf(stream)).toHaveLength(2);
    });

    it('given the decider decides nothing, then nothing is appended and the loaded state comes back', async () => {
      const stream = newStream();
      const result = await handler.handle(orm.em.fork(), stream, increment(0), { loaded: { state: { total: 7 }, version: 3 } });
      expect(result).toEqual({ state: { total: 7 }, version: 3, newEvents: [] });
      expect(await eventDataOf(stream)).toEqual([]);
    });
  });

  describe('startIfNew', () => {
    it('given a stream known not to exist, when handled, then decided from the initial state and appended as its first events', async () => {
      const stream = newStream();
      const result = await handler.handle(orm.em.fork(), stream, increment(2), { startIfNew: true });
      expect(result).toMatchObject({ state: { total: 2 }, version: 1 });
    });

    it('given the stream was started after all, when handled, then StreamVersionConflict instead of a second start', async () => {
      const stream = newStream();
      await handler.handle(orm.em.fork(), stream, increment(2));
      await expect(handler.handle(orm.em.fork(), stream, increment(2), { startIfNew: true })).rejects.toBeInstanceOf(StreamVersionConflict);
      expect(await eventDataOf(stream)).toHaveLength(1);
    });
  });

  describe('loadMany and batches', () => {
    it('loads several streams in one read, a stream with no events at version 0', async () => {
      const [a, b, none] = [newStream(), newStream(), newStream()];
      await handler.handle(orm.em.fork(), a, increment(1));
      await handler.handle(orm.em.fork(), a, increment(2));
      await handler.handle(orm.em.fork(), b, increment(5));
      const loaded = await handler.loadMany(orm.em.fork(), [a, b, none]);
      expect([...loaded]).toEqual([
        [a, { state: { total: 3 }, version: 2 }],
        [b, { state: { total: 5 }, version: 1 }],
        [none, { state: { total: 0 }, version: 0 }],
      ]);
    });

    it('decides each command against the state the batch left, then appends every stream in one transaction', async () => {
      const [a, b] = [newStream(), newStream()];
      await handler.handle(orm.em.fork(), a, increment(1));
      const batch = await handler.loadBatch(orm.em.fork(), [a, b]);
      expect(batch.decide(a, increment(2)).state).toEqual({ total: 3 });
      expect(batch.decide(b, increment(4)).events).toHaveLength(1);
      expect(batch.decide(a, increment(3)).state).toEqual({ total: 6 });
      expect(batch.decide(a, increment(0)).events).toEqual([]);
      const appended = await batch.append(orm.em.fork());
      expect(appended.map((event) => [event.streamId, event.streamPosition])).toEqual([
        [a, 2],
        [a, 3],
        [b, 1],
      ]);
      expect(batch.state(a)).toEqual({ total: 6 });
    });

    it('given a writer appended to one stream of the batch in between, then no stream of the batch is appended', async () => {
      const [a, b] = [newStream(), newStream()];
      const batch = await handler.loadBatch(orm.em.fork(), [a, b]);
      batch.decide(a, increment(1));
      batch.decide(b, increment(1));
      await handler.handle(orm.em.fork(), b, increment(9));
      await expect(batch.append(orm.em.fork())).rejects.toBeInstanceOf(StreamVersionConflict);
      expect(await eventDataOf(a)).toEqual([]);
      expect(await eventDataOf(b)).toEqual([{ by: 9 }]);
    });
  });

  it('existingStreams names the streams that have events', async () => {
    const [a, none] = [newStream(), newStream()];
    await handler.handle(orm.em.fork(), a, increment(1));
    await handler.handle(orm.em.fork(), a, increment(1));
    expect(await store.existingStreams(orm.em.fork(), [a, none])).toEqual(new Set([a]));
    expect(await store.existingStreams(orm.em.fork(), [])).toEqual(new Set());
  });
});
