import { MikroORM } from '@mikro-orm/postgresql';
import type { DomainEventMetadata } from '@mutuo/domain';
import { PostgresEventStore, ProjectionRunner, type TypedEvent, type TypedProjection } from '@mutuo/event-store';
import { createOrmConfig } from '@mutuo/platform';
import { migrateService, type ServiceDefinition } from '@mutuo/service-kit';
import { createTestDatabase, queryDatabase, type TestDatabase } from './test-database';
import { waitFor } from './wait-for';

/** An event the scenario appends: one of the projection's, on its stream (`<aggregate>:<podId>:<id>`). */
export type GivenEvent<Event extends TypedEvent> = Event extends TypedEvent
  ? { readonly stream: string; readonly type: Event['type']; readonly data: Event['data']; readonly metadata?: Partial<DomainEventMetadata> }
  : never;

export interface ProjectionScenarioOptions {
  /** The service the projection belongs to: its migrations build the database, its entities the ORM. */
  readonly service: ServiceDefinition;
  /** How long `given` waits for the projection to reach the events appended (commits elsewhere on the server can hold it back). */
  readonly catchUpTimeoutMs?: number;
}

/**
 * Given/when/then for one projection against real PostgreSQL: a fresh database with the service's migrations, events
 * appended to the real event store, the real ProjectionRunner (pods, row-level security, checkpoints), rows read back.
 *
 *     const scenario = projectionScenario(inboxProjection, { service: notificationsService });
 *     beforeAll(() => scenario.open());
 *     afterAll(() => scenario.close());
 *     await scenario.given([{ stream, type: 'NotificationRecorded', data }]);
 *     await scenario.thenRows('select id, read from inbox_notifications where id = $1', [id], [{ id, read: false }]);
 *
 * Tests in one file share the database: give each its own streams (ids).
 */
export function projectionScenario<Event extends TypedEvent>(projection: TypedProjection<Event>, options: ProjectionScenarioOptions) {
  const { service, catchUpTimeoutMs = 30_000 } = options;
  const store = new PostgresEventStore();
  let db: TestDatabase | undefined;
  let orm: MikroORM | undefined;
  let runner: ProjectionRunner | undefined;
  const opened = () => {
    if (!db || !orm || !runner) throw new Error('Open the projection scenario first (scenario.open() in beforeAll)');
    return { db, orm, runner };
  };

  /** Rows of a query (`$1` placeholders) as the database owner, so every pod's rows are seen. */
  const rows = <Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> => queryDatabase<Row>(opened().db.adminUrl, sql, params);

  return {
    /** Creates the database, runs the service's migrations, and connects as the runtime role (as the service does). */
    async open(): Promise<void> {
      db = await createTestDatabase({ prefix: `${service.name}_proj`, appRole: `mutuo_${service.name}_app` });
      await migrateService(service, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
      orm = await MikroORM.init(createOrmConfig({ clientUrl: db.appUrl, entities: service.entities, migrations: service.migrations }));
      runner = new ProjectionRunner(orm.em, store, [projection]);
    },

    /** Appends the events in order, each to its stream, then lets the projection apply all of them. */
    async given(events: readonly GivenEvent<Event>[]): Promise<void> {
      const { orm, runner } = opened();
      for (const event of events) {
        if (!projection.takes(event)) throw new Error(`Projection ${projection.name} does not take ${event.type}`);
        const metadata = { occurredAt: new Date().toISOString(), actorId: 'test', ...event.metadata };
        await store.append(orm.em.fork(), event.stream, [{ type: event.type, data: event.data, metadata }], 'any');
      }
      // The runner only reads transactions older than every one still running on the server: poll until it got there.
      await waitFor(
        async () => {
          await runner.catchUp();
          return (await runner.lag()).get(projection.name) === 0;
        },
        { description: `projection ${projection.name} to apply the given events`, timeoutMs: catchUpTimeoutMs, intervalMs: 100 },
      );
    },

    rows,

    /** Asserts the query returns exactly these rows, in order. */
    async thenRows(sql: string, params: unknown[], expected: readonly Record<string, unknown>[]): Promise<void> {
      expect(await rows(sql, params)).toEqual(expected);
    },

    /** Rebuilds the projection from zero (reset, then every event again), as an operator's rebuild does. */
    async rebuild(): Promise<void> {
      await opened().runner.rebuild(projection.name);
    },

    async close(): Promise<void> {
      await runner?.stop();
      await orm?.close(true);
      await db?.drop();
    },
  };
}
