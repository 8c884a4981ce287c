import { MikroORM } from '@mikro-orm/postgresql';
import { Test, type TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore, ProjectionRunner, query } from '@mutuo/event-store';
import { createOutboxMapper } from '@mutuo/messaging';
import { createLogger, createOrmConfig, type RequestContext } from '@mutuo/platform';
import { Clock, ServiceRuntimeModule, migrateService } from '@mutuo/service-kit';
import { createTestDatabase, ManualClock, waitFor, type TestDatabase } from '@mutuo/testing';
import { EXPIRY_OPTIONS, type ExpiryOptions } from '../src/expiry/expiry.options';
import { ExpireDueScheduler } from '../src/expiry/expire-due.scheduler';
import { OfferCommandsHandler } from '../src/offers/offer-commands.handler';
import { PostRequestHandler } from '../src/post-request/post-request.handler';
import { RequestsModule } from '../src/requests.module';
import { requestsService } from '../src/requests.service';

const DAY0 = Date.parse('2026-01-05T09:00:00.000Z');
const HOUR = 3_600_000;

describe('expiry job (real PostgreSQL, controlled clock)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let moduleRef: TestingModule;
  let projections: ProjectionRunner;
  const clock = new ManualClock(DAY0);
  const options: ExpiryOptions = { enabled: false, intervalMs: 50, batchSize: 50 };
  const podId = randomUUID();
  const ana: RequestContext = { identity: { subject: 'person-ana', podId, roles: ['member'], token: '' }, podId, correlationId: 'test-ana' };

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'requests_expiry', appRole: 'mutuo_requests_app' });
    await migrateService(requestsService, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
    orm = await MikroORM.init(createOrmConfig({ clientUrl: db.appUrl, entities: requestsService.entities, migrations: requestsService.migrations }));
    // The real outbox mapping: an event whose data broke its contract would fail the append.
    const store = new PostgresEventStore({ outbox: createOutboxMapper({ service: 'requests', region: 'test', map: requestsService.publish! }) });
    moduleRef = await Test.createTestingModule({
      imports: [
        ServiceRuntimeModule.forRuntime({
          orm,
          store,
          logger: createLogger('requests', 'silent'),
          config: { GATEWAY_SHARED_SECRET: 'test-secret-test-secret-test-secret' },
        }),
        RequestsModule,
      ],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(EXPIRY_OPTIONS)
      .useValue(options)
      .compile();
    await moduleRef.init();
    projections = new ProjectionRunner(orm.em, store, requestsService.projections);
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
    await orm?.close(true);
    await db?.drop();
  }, 30_000);

  it('reads its switch from the environment the service was started with, not process.env', async () => {
    const env = { REQUEST_EXPIRY_ENABLED: 'false', REQUEST_EXPIRY_INTERVAL_MS: '4321', REQUEST_EXPIRY_BATCH_SIZE: '7' };
    const configured = await Test.createTestingModule({
      imports: [
        ServiceRuntimeModule.forRuntime({ orm, store: new PostgresEventStore(), logger: createLogger('requests', 'silent'), config: {}, env }),
        RequestsModule,
      ],
    }).compile();
    try {
      expect(configured.get(EXPIRY_OPTIONS)).toEqual({ enabled: false, intervalMs: 4321, batchSize: 7 });
    } finally {
      await configured.close();
    }
  });

  /**
   * Catches the projections up until the read model satisfies `done`: a projection only reads events older than every
   * transaction still running in the cluster, so another test's open transaction can hold it back for a moment.
   */
  const projected = (done: (rows: { id: string; status: string }[]) => boolean) =>
    waitFor(
      async () => {
        await projections.catchUp();
        const rows = await orm.em.fork().transactional(async (tx) => {
          await query(tx, "select set_config('mutuo.pod_id', ?, true)", [podId]);
          return query<{ id: string; status: string }>(tx, 'select id, status from request_details union all select id, status from offers');
        });
        return done(rows) ? rows : undefined;
      },
      { description: 'the read models to catch up', timeoutMs: 30_000 },
    );

  const facts = (until: number | null) => ({
    title: 'Soup for the week',
    description: '',
    language: 'en',
    category: 'meals' as const,
    subcategory: null,
    window: { from: null, until: until === null ? null : new Date(until).toISOString(), rrule: null, durationMinutes: null },
    location: { cell: null, precise: null },
    visibility: 'pod' as const,
    quantity: null,
  });

  it('expires requests and offers only once their window has passed, once each, however often it runs', async () => {
    const post = moduleRef.get(PostRequestHandler);
    const soon = await post.handle({ ...facts(DAY0 + 2 * HOUR), urgency: null, anonymous: false, onBehalfOfPersonId: null }, ana);
    const later = await post.handle({ ...facts(DAY0 + 48 * HOUR), urgency: null, anonymous: false, onBehalfOfPersonId: null }, ana);
    const openEnded = await post.handle({ ...facts(null), urgency: null, anonymous: false, onBehalfOfPersonId: null }, ana);
    const offer = await moduleRef.get(OfferCommandsHandler).post(facts(DAY0 + 3 * HOUR), ana);
    await projected((rows) => rows.length === 4);
    const scheduler = moduleRef.get(ExpireDueScheduler);

    clock.set(DAY0 + HOUR);
    expect(await scheduler.runOnce()).toEqual({ requestsExpired: 0, offersExpired: 0, skipped: 0, failed: 0 });

    clock.set(DAY0 + 4 * HOUR);
    expect(await scheduler.runOnce()).toEqual({ requestsExpired: 1, offersExpired: 1, skipped: 0, failed: 0 });
    // The read model lags until the projection runs: the decider refuses the second expiry, nothing is written twice.
    expect(await scheduler.runOnce()).toMatchObject({ requestsExpired: 0, offersExpired: 0, skipped: 2 });
    const statuses = await projected((rows) => rows.filter((row) => row.status !== 'open').length === 2);
    expect(await scheduler.runOnce()).toEqual({ requestsExpired: 0, offersExpired: 0, skipped: 0, failed: 0 });
    const status = new Map(statuses.map((row) => [row.id, row.status]));
    expect(status.get(soon.request.requestId)).toBe('expired');
    expect(status.get(later.request.requestId)).toBe('open');
    expect(status.get(openEnded.request.requestId)).toBe('open');
    expect(status.get(offer.offer.offerId)).toBe('closed');
  }, 30_000);
});
