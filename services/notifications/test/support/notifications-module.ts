import { MikroORM } from '@mikro-orm/postgresql';
import { Test, type TestingModule } from '@nestjs/testing';
import { PostgresEventStore, ProjectionRunner } from '@mutuo/event-store';
import { createOutboxMapper } from '@mutuo/messaging';
import { createLogger, createOrmConfig, resolvePersonalDataKeks } from '@mutuo/platform';
import { Clock, migrateService, ServiceRuntimeModule } from '@mutuo/service-kit';
import { createTestDatabase, ManualClock, waitFor, type TestDatabase } from '@mutuo/testing';
import { NotificationsModule } from '../../src/notifications.module';
import { notificationsService } from '../../src/notifications.service';
import { adminQuery } from './event-publisher';

export { ManualClock };

export interface NotificationsUnderTest {
  readonly db: TestDatabase;
  readonly moduleRef: TestingModule;
  readonly projections: ProjectionRunner;
  readonly clock: ManualClock;
  /**
   * Applies every committed event to the read models. A projection reads only transactions older than every one
   * still running on the server (other tests' too), so this waits until it has caught up with the store's head.
   */
  settle(): Promise<void>;
  /** Runs SQL as the database owner (test set-up of read models notifications copies from other services). */
  admin<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * The notifications module on a real, migrated database with a manual clock and the worker's timer off, so a test
 * drives each pass itself. The outbox mapping is the real one: an event breaking its contract fails the append.
 */
export async function startNotificationsModule(prefix: string, env: Record<string, string>, startAt: string): Promise<NotificationsUnderTest> {
  const db = await createTestDatabase({ prefix, appRole: 'mutuo_notifications_app' });
  await migrateService(notificationsService, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
  const orm = await MikroORM.init(
    createOrmConfig({ clientUrl: db.appUrl, entities: notificationsService.entities, migrations: notificationsService.migrations }),
  );
  const serviceEnv = { NODE_ENV: 'test', NOTIFICATIONS_WORKER_ENABLED: 'false', ...env };
  const store = new PostgresEventStore({
    outbox: createOutboxMapper({ service: 'notifications', region: 'test', map: (event) => notificationsService.publish!(event, serviceEnv) }),
    codec: notificationsService.eventDataCodec?.(serviceEnv, resolvePersonalDataKeks(undefined)),
  });
  const clock = new ManualClock(Date.parse(startAt));
  const moduleRef = await Test.createTestingModule({
    imports: [
      ServiceRuntimeModule.forRuntime({
        orm,
        store,
        logger: createLogger('notifications', process.env.MUTUO_TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent'),
        config: {},
        env: serviceEnv,
      }),
      NotificationsModule,
    ],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  await moduleRef.init();
  const projections = new ProjectionRunner(orm.em, store, notificationsService.projections);
  return {
    db,
    moduleRef,
    projections,
    clock,
    admin: (sql, params = []) => adminQuery(db.adminUrl, sql, params),
    async settle() {
      await waitFor(
        async () => {
          await projections.catchUp();
          const [head] = await adminQuery<{ position: string | null }>(db.adminUrl, 'select max(global_position)::text as position from mutuo_events');
          if (!head?.position) return true;
          for (const projection of notificationsService.projections) {
            const [pending] = await adminQuery<{ n: number }>(
              db.adminUrl,
              `select count(*)::int as n from mutuo_events e, mutuo_projection_checkpoints c
               where c.projection = $1 and e.type = any($2) and (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)`,
              [projection.name, projection.eventTypes],
            );
            if (pending!.n > 0) return undefined;
          }
          return true;
        },
        { description: 'read models to catch up', timeoutMs: 20_000, intervalMs: 20 },
      );
    },
    async close() {
      await moduleRef.close();
      await orm.close(true);
      await db.drop();
    },
  };
}
