import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { waitFor } from '@mutuo/testing';
import { PostgresEventStore } from '../src/postgres-event-store';
import { ProjectionRunner, type Projection } from '../src/projection-runner';
import { onStatement, query } from '../src/sql';
import { streamName } from '../src/stream-name';
import type { StoredEvent } from '../src/types';
import { openTestDatabase, untilEventsReadable } from './test-database';

const READ_MODEL_SQL = `create table applied_events (projection text not null, event_id uuid not null, primary key (projection, event_id));`;
const podId = randomUUID();

/** A projection of one event type that records each event it applies. */
function recording(name: string, eventType: string): Projection {
  return {
    name,
    eventTypes: [eventType],
    async apply(em: EntityManager, event: StoredEvent) {
      await query(em, 'insert into applied_events (projection, event_id) values (?, ?)', [name, event.eventId]);
    },
    async reset(em: EntityManager) {
      await query(em, 'delete from applied_events where projection = ?', [name]);
    },
  };
}

describe('ProjectionRunner polls', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const store = new PostgresEventStore();
  const arrivals = recording('arrivals', 'Arrived');
  const departures = recording('departures', 'Departed');

  beforeAll(async () => {
    db = await openTestDatabase(READ_MODEL_SQL);
    orm = db.orm;
  });
  afterAll(() => db.close());

  const append = (type: string) =>
    orm.em
      .fork()
      .transactional((tx) =>
        store.append(
          tx,
          streamName('visit', podId, randomUUID()),
          [{ type, data: {}, metadata: { occurredAt: '2026-12-07T10:00:00.000Z', actorId: 'person-1', podId } }],
          'no_stream',
        ),
      );
  const untilReadable = () => untilEventsReadable(orm);
  const applied = async (projection: string) =>
    (await query<{ count: number }>(orm.em.fork(), 'select count(*)::int as count from applied_events where projection = ?', [projection]))[0]!.count;

  /** The statements `work` sends to PostgreSQL (BEGIN and COMMIT included). */
  async function statementsOf(work: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const stopListening = onStatement(orm.em, (sql) => seen.push(sql));
    try {
      await work();
    } finally {
      stopListening();
    }
    return seen;
  }

  it('when nothing new was appended, a poll sends one statement and opens no batch transaction', async () => {
    const runner = new ProjectionRunner(orm.em, store, [arrivals, departures]);
    await append('Arrived');
    await untilReadable();
    await runner.catchUp();

    const statements = await statementsOf(() => runner.catchUp());

    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('jsonb_to_recordset');
  });

  it('opens a batch only for the projections whose event types were appended, and applies them', async () => {
    const runner = new ProjectionRunner(orm.em, store, [arrivals, departures]);
    await runner.catchUp();
    const [arrivalsBefore, departuresBefore] = [await applied('arrivals'), await applied('departures')];
    await append('Departed');
    await untilReadable();

    const statements = await statementsOf(() => runner.catchUp());

    expect(statements.filter((sql) => sql.includes('for update skip locked'))).toHaveLength(1);
    expect(await applied('departures')).toBe(departuresBefore + 1);
    expect(await applied('arrivals')).toBe(arrivalsBefore);
  });

  it('a projection never run before (no checkpoint yet) reads from the start', async () => {
    await append('Arrived');
    const latecomer = recording('latecomer-arrivals', 'Arrived');
    const runner = new ProjectionRunner(orm.em, store, [latecomer]);
    await untilReadable();

    await runner.catchUp();

    const total = (await query<{ count: number }>(orm.em.fork(), "select count(*)::int as count from mutuo_events where type = 'Arrived'"))[0]!.count;
    expect(await applied('latecomer-arrivals')).toBe(total);
  });

  it('with no nudge at all (a wake-up lost), the idle poll still applies a new event', async () => {
    const runner = new ProjectionRunner(orm.em, store, [arrivals], { pollIntervalMs: 50, idlePollIntervalMs: 400 });
    runner.start();
    try {
      await runner.catchUp();
      const before = await applied('arrivals');
      await append('Arrived');
      await untilReadable();
      await waitFor(async () => (await applied('arrivals')) === before + 1, { description: 'the idle poll to apply the event', timeoutMs: 10_000 });
    } finally {
      await runner.stop();
    }
  });
});
