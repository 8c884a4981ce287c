import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent, DomainRuleViolation, eventMetadataFrom } from '@mutuo/domain';
import { CommandHandler } from '../src/command-handler';
import { PostgresEventStore } from '../src/postgres-event-store';
import { Projection, ProjectionRebuildInProgress, ProjectionRunner } from '../src/projection-runner';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import type { StoredEvent } from '../src/types';
import { openTestDatabase, untilEventsReadable } from './test-database';

// A tiny counter aggregate: enough to exercise load → decide → append and a projection.
type CounterState = { status: 'empty' } | { status: 'counting'; total: number };
type Increment = Command<'Increment', { by: number; limit: number }>;
type Incremented = DomainEvent<'Incremented', { by: number }>;

const counter: Decider<CounterState, Increment, Incremented> = {
  initialState: () => ({ status: 'empty' }),
  decide(command, state) {
    const total = state.status === 'counting' ? state.total : 0;
    if (total + command.data.by > command.data.limit) {
      throw new DomainRuleViolation('LIMIT_REACHED', `The counter may not pass ${command.data.limit}`, 'by');
    }
    return [{ type: 'Incremented', data: { by: command.data.by }, metadata: eventMetadataFrom(command.metadata) }];
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Incremented':
        return { status: 'counting', total: (state.status === 'counting' ? state.total : 0) + event.data.by };
    }
  },
};

const podId = randomUUID();
const increment = (by: number, limit = 1_000_000): Increment => ({
  type: 'Increment',
  data: { by, limit },
  metadata: { now: '2026-11-25T10:00:00.000Z', actorId: 'person-1', podId },
});

const READ_MODEL_SQL = `
create table counter_totals (stream_id text primary key, pod_id uuid not null, total int not null, applied int not null);`;

const totalsProjection: Projection = {
  name: 'counter-totals',
  eventTypes: ['Incremented'],
  async apply(em: EntityManager, event: StoredEvent) {
    const { by } = event.data as { by: number };
    await query(
      em,
      `insert into counter_totals (stream_id, pod_id, total, applied) values (?, ?, ?, 1)
       on conflict (stream_id) do update set total = counter_totals.total + excluded.total, applied = counter_totals.applied + 1`,
      [event.streamId, event.podId, by],
    );
  },
  async reset(em: EntityManager) {
    await query(em, 'truncate counter_totals');
  },
};

describe('CommandHandler', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const store = new PostgresEventStore();
  const handler = new CommandHandler(store, counter, { maxAttempts: 50 });

  beforeAll(async () => {
    db = await openTestDatabase(READ_MODEL_SQL);
    orm = db.orm;
  });
  afterAll(() => db.close());

  it('given no history, when a command is handled, then its events are appended and the new state returned', async () => {
    const stream = streamName('counter', podId, randomUUID());
    const result = await handler.handle(orm.em.fork(), stream, increment(3));

    expect(result.state).toEqual({ status: 'counting', total: 3 });
    expect(result.version).toBe(1);
    expect(result.newEvents.map((e) => e.type)).toEqual(['Incremented']);
  });

  it('reloads and decides again after losing a race, so no increment is lost', async () => {
    const stream = streamName('counter', podId, randomUUID());
    await Promise.all(Array.from({ length: 10 }, () => handler.handle(orm.em.fork(), stream, increment(1))));

    expect((await handler.load(orm.em.fork(), stream)).state).toEqual({ status: 'counting', total: 10 });
  });

  it('decides against the reloaded state: a rule that only the latest state breaks is still enforced', async () => {
    const stream = streamName('counter', podId, randomUUID());
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => handler.handle(orm.em.fork(), stream, increment(1, 4))));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(o.reason).toBeInstanceOf(DomainRuleViolation);
    }
  });

  it('retries inside a caller transaction through a savepoint', async () => {
    const stream = streamName('counter', podId, randomUUID());
    await Promise.all(Array.from({ length: 5 }, () => orm.em.fork().transactional((tx) => handler.handle(tx, stream, increment(2)))));
    expect((await handler.load(orm.em.fork(), stream)).state).toEqual({ status: 'counting', total: 10 });
  });
});

describe('ProjectionRunner', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const store = new PostgresEventStore();
  const handler = new CommandHandler(store, counter, { maxAttempts: 50 });

  beforeAll(async () => {
    db = await openTestDatabase(READ_MODEL_SQL);
    orm = db.orm;
  });
  afterAll(() => db.close());

  const totals = () => query<{ stream_id: string; total: number; applied: number }>(orm.em.fork(), 'select * from counter_totals order by stream_id');

  it('applies each event once per checkpoint, however often it is run and by how many runners', async () => {
    const streams = [streamName('counter', podId, randomUUID()), streamName('counter', podId, randomUUID())];
    for (const stream of streams) for (let i = 0; i < 7; i++) await handler.handle(orm.em.fork(), stream, increment(1));

    await untilEventsReadable(orm);
    const runners = [1, 2, 3].map(() => new ProjectionRunner(orm.em, store, [totalsProjection], { batchSize: 3 }));
    await Promise.all(runners.map((runner) => runner.catchUp()));
    await runners[0]!.catchUp();

    expect((await totals()).map((row) => [row.total, row.applied])).toEqual([
      [7, 7],
      [7, 7],
    ]);
  });

  it('rebuilds from zero to the same read model, one rebuilder at a time', async () => {
    const runner = new ProjectionRunner(orm.em, store, [totalsProjection], { batchSize: 4 });
    await untilEventsReadable(orm);
    await runner.catchUp();
    const before = await totals();

    const rebuilds = await Promise.allSettled([runner.rebuild('counter-totals'), runner.rebuild('counter-totals')]);

    expect(rebuilds.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of rebuilds.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ProjectionRebuildInProgress);
    }
    await runner.catchUp();
    expect(await totals()).toEqual(before);
  });

  it('keeps up in the background and wakes up when nudged', async () => {
    const runner = new ProjectionRunner(orm.em, store, [totalsProjection], { pollIntervalMs: 10_000 });
    runner.start();
    try {
      await runner.catchUp();
      const stream = streamName('counter', podId, randomUUID());
      await handler.handle(orm.em.fork(), stream, increment(5));
      await untilEventsReadable(orm);
      runner.nudge();
      await waitFor(async () => (await totals()).some((row) => row.stream_id === stream && row.total === 5));
    } finally {
      await runner.stop();
    }
  });
});

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
