import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DomainEventMetadata } from '@mutuo/domain';
import { AppendListener } from '../src/append-notifications/append-listener';
import { PostgresEventStore } from '../src/postgres-event-store';
import { ProjectionRunner } from '../src/projection-runner';
import { defineProjection } from '../src/projections/projection';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import { openTestDatabase, SERVER_URL } from './test-database';

const podId = randomUUID();
const metadata: DomainEventMetadata = { occurredAt: '2026-12-07T10:00:00.000Z', actorId: 'person-1', podId };

async function until(description: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Append notifications', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  let url: string;
  // The appending instance: its own store, which nudges nothing in the other instance.
  const otherInstance = new PostgresEventStore();

  beforeAll(async () => {
    db = await openTestDatabase();
    orm = db.orm;
    const database = new URL(SERVER_URL);
    database.pathname = `/${db.name}`;
    url = database.toString();
  });
  afterAll(() => db.close());

  const append = () => otherInstance.append(orm.em.fork(), streamName('note', podId, randomUUID()), [{ type: 'NoteAdded', data: {}, metadata }], 'no_stream');

  it("wakes an idle projection runner at another instance's commit, long before its next poll", async () => {
    const appliedBy = { listening: [] as string[], polling: [] as string[] };
    const runnerFor = (name: keyof typeof appliedBy) =>
      new ProjectionRunner(
        orm.em,
        otherInstance,
        [
          defineProjection<{ type: 'NoteAdded'; data: object }>({
            name: `notes-${name}`,
            eventTypes: ['NoteAdded'],
            apply: async (_em, event) => void appliedBy[name].push(event.eventId),
            reset: async () => undefined,
          }),
        ],
        { pollIntervalMs: 50, idlePollIntervalMs: 60_000 },
      );
    const listening = runnerFor('listening');
    const polling = runnerFor('polling');
    const listener = new AppendListener({ connection: url, onAppended: () => listening.nudge() });
    listening.start();
    polling.start();
    listener.start();
    try {
      // Idle for 6 s: both runners' polls are now more than 2 s apart (50 ms doubling after 2 s without work).
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const { events } = await append();
      const eventId = events[0]!.eventId;
      await until('the listening runner to apply the event', () => appliedBy.listening.includes(eventId), 1_500);
      expect(appliedBy.polling).not.toContain(eventId);
      // The runner that only polls still gets there: the poll is the guard against a lost notification.
      await until('the polling runner to apply the event at its next poll', () => appliedBy.polling.includes(eventId), 30_000);
    } finally {
      await listener.stop();
      await Promise.all([listening.stop(), polling.stop()]);
    }
  }, 60_000);

  it('notifies only committed appends, and listens again after its connection is killed', async () => {
    let notified = 0;
    const listener = new AppendListener({ connection: url, onAppended: () => notified++, reconnectMs: 50 });
    listener.start();
    try {
      // The first call comes when it starts listening: whatever was missed before is looked for.
      await until('the listener to connect', () => listener.listening && notified === 1, 10_000);
      await orm.em
        .fork()
        .transactional(async (tx) => {
          await otherInstance.append(tx, streamName('note', podId, randomUUID()), [{ type: 'NoteAdded', data: {}, metadata }], 'no_stream');
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await append();
      await until('the committed append to notify', () => notified === 2, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(notified).toBe(2);

      await query(
        orm.em.fork(),
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'mutuo-append-listener'`,
      );
      await until('the listener to reconnect', () => listener.listening && notified === 3, 10_000);
      await append();
      await until('an append after the reconnect to notify', () => notified === 4, 5_000);
    } finally {
      await listener.stop();
    }
  }, 60_000);
});
