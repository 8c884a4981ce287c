import { MikroORM } from '@mikro-orm/postgresql';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { PostgresEventStore, ProjectionRunner } from '@mutuo/event-store';
import { createOutboxMapper } from '@mutuo/messaging';
import { createLogger, createOrmConfig, type RequestContext } from '@mutuo/platform';
import { ServiceRuntimeModule, migrateService, Clock } from '@mutuo/service-kit';
import { createTestDatabase, ManualClock, waitFor, type TestDatabase } from '@mutuo/testing';
import { CreatePodHandler } from '../src/create-pod/create-pod.handler';
import { CreateRegionHandler } from '../src/create-region/create-region.handler';
import { JoinPodHandler } from '../src/pod-admission/join-pod/join-pod.handler';
import { MembershipModule } from '../src/membership.module';
import { membershipService } from '../src/membership.service';
import { PodRolesHandler } from '../src/roles/pod-roles.handler';
import { podRolesStream } from '../src/shared/pod-roles-stream';
import { ROLE_SCHEDULER_OPTIONS, type RoleSchedulerOptions } from '../src/roles/role-scheduler.options';
import { PAUSE_RETURN_OPTIONS } from '../src/member-settings/boundaries/pause-return.options';
import { RoleTermScheduler } from '../src/roles/role-term.scheduler';

const DAY = 86_400_000;
const DAY0 = Date.parse('2026-01-05T09:00:00.000Z');
const day = (n: number) => DAY0 + n * DAY;

describe('role term scheduler (real PostgreSQL, controlled clock)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let moduleRef: TestingModule;
  let projections: ProjectionRunner;
  let store: PostgresEventStore;
  const clock = new ManualClock(day(0));
  const options: RoleSchedulerOptions = { enabled: false, intervalMs: 50, batchSize: 50 };
  const logger = createLogger('membership', 'silent');

  let podId: string;
  let ana: string;
  let bo: string;

  const person = (subject: string, roles: string[], pod?: string): RequestContext => ({
    identity: { subject, podId: pod, roles, token: '' },
    podId: pod,
    correlationId: `test-${subject}`,
  });

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'membership_roles', appRole: 'mutuo_membership_app' });
    await migrateService(membershipService, { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_ADMIN_URL: db.adminUrl, DATABASE_URL: db.appUrl });
    // As the runtime role, so row-level security applies exactly as in the service.
    orm = await MikroORM.init(createOrmConfig({ clientUrl: db.appUrl, entities: membershipService.entities, migrations: membershipService.migrations }));
    // The real outbox mapping: an event whose data broke its contract would fail the append.
    store = new PostgresEventStore({ outbox: createOutboxMapper({ service: 'membership', region: 'test', map: membershipService.publish! }) });
    moduleRef = await Test.createTestingModule({
      imports: [ServiceRuntimeModule.forRuntime({ orm, store, logger, config: {} }), MembershipModule],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(ROLE_SCHEDULER_OPTIONS)
      .useValue(options)
      .compile();
    await moduleRef.init();
    projections = new ProjectionRunner(orm.em, store, membershipService.projections);

    const operator = person('person-operator', ['operator']);
    const region = await moduleRef.get(CreateRegionHandler).handle({ name: 'Lisboa', slug: 'lisboa' }, operator);
    const pod = await moduleRef
      .get(CreatePodHandler)
      .handle({ regionId: region.regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' }, operator);
    podId = pod.podId;
    for (const subject of ['person-ana', 'person-bo']) {
      await moduleRef.get(JoinPodHandler).handle({ displayName: subject.slice(7) }, person(subject, ['member'], podId));
    }
    ana = memberIdFor(podId, 'person-ana');
    bo = memberIdFor(podId, 'person-bo');

    const roles = moduleRef.get(PodRolesHandler);
    await roles.grant({ podId, memberId: ana, role: 'coordinator' }, operator);
    await roles.grant({ memberId: bo, role: 'treasurer' }, person('person-ana', ['member', 'coordinator'], podId));
    await projections.catchUp();
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
    await orm?.close(true);
    await db?.drop();
  });

  const scheduler = () => moduleRef.get(RoleTermScheduler);

  it("reads the schedulers' switches from the environment the service was started with, not process.env", async () => {
    const env = {
      ROLE_SCHEDULER_ENABLED: 'false',
      ROLE_SCHEDULER_INTERVAL_MS: '4321',
      PAUSE_RETURN_SCHEDULER_ENABLED: 'false',
      PAUSE_RETURN_INTERVAL_MS: '1234',
    };
    const configured = await Test.createTestingModule({
      imports: [ServiceRuntimeModule.forRuntime({ orm, store, logger, config: {}, env }), MembershipModule],
    }).compile();
    try {
      expect(configured.get(ROLE_SCHEDULER_OPTIONS)).toEqual({ enabled: false, intervalMs: 4321, batchSize: 100 });
      expect(configured.get(PAUSE_RETURN_OPTIONS)).toEqual({ enabled: false, intervalMs: 1234, batchSize: 100 });
    } finally {
      await configured.close();
    }
  });

  async function roleEvents(): Promise<{ type: string; data: Record<string, unknown> }[]> {
    const { events } = await store.readStream(orm.em.fork(), podRolesStream(podId));
    return events.map((event) => ({ type: event.type, data: event.data as Record<string, unknown> }));
  }

  async function termsView(): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query("select set_config('mutuo.pod_id', $1, true)", [podId]);
      const { rows } = await client.query('select member_id, role, status, end_reason, warned_at, grace_until from role_terms order by role, term_start');
      await client.query('commit');
      return rows;
    } finally {
      await client.end();
    }
  }

  it('does nothing while no term is near its end', async () => {
    clock.set(day(100));
    expect(await scheduler().runOnce()).toEqual({ due: 0, warned: 0, lapsed: 0, alerted: 0, failed: 0 });
  });

  it('gives each term its ending notice once, even when it scans again before the read model catches up', async () => {
    clock.set(day(166) + 60_000);
    expect(await scheduler().runOnce()).toMatchObject({ due: 2, warned: 2, failed: 0 });
    // The read model still says "not warned": the scan finds both terms again, the decider declines.
    expect(await scheduler().runOnce()).toMatchObject({ due: 2, warned: 0, failed: 0 });
    await projections.catchUp();
    expect(await scheduler().runOnce()).toMatchObject({ due: 0 });

    const warnings = (await roleEvents()).filter((event) => event.type === 'RoleTermEndingWarned');
    // Both terms started at the same moment, so their order is not defined.
    expect(warnings.map((event) => [event.data.role, event.data.renewable]).sort()).toEqual([
      ['coordinator', true],
      ['treasurer', true],
    ]);
    expect((await termsView()).every((term) => term.warned_at !== null)).toBe(true);
  });

  it('on the end date lapses the treasurer and, instead of silently lapsing the last coordinator, alerts and keeps her on, with two replicas scanning at once', async () => {
    clock.set(day(180) + 60_000);
    const second = new RoleTermScheduler(orm.em, store, clock, options, logger);
    const reports = await Promise.all([scheduler().runOnce(), second.runOnce()]);
    expect(reports.reduce((sum, report) => sum + report.failed, 0)).toBe(0);
    expect(reports.reduce((sum, report) => sum + report.lapsed, 0)).toBe(1);
    expect(reports.reduce((sum, report) => sum + report.alerted, 0)).toBe(1);

    const events = await roleEvents();
    expect(events.filter((event) => event.type === 'RoleLapsed').map((event) => event.data)).toEqual([
      expect.objectContaining({ memberId: bo, role: 'treasurer', endedAt: new Date(day(180)).toISOString() }),
    ]);
    expect(events.filter((event) => event.type === 'CoordinatorGapAlerted').map((event) => event.data)).toEqual([
      expect.objectContaining({ memberId: ana, reason: 'term-ended', graceUntil: new Date(day(210) + 60_000).toISOString() }),
    ]);

    await projections.catchUp();
    expect(await termsView()).toEqual([
      expect.objectContaining({ member_id: ana, role: 'coordinator', status: 'grace', grace_until: new Date(day(210) + 60_000) }),
      expect.objectContaining({ member_id: bo, role: 'treasurer', status: 'ended', end_reason: 'lapsed' }),
    ]);
    expect(await scheduler().runOnce()).toMatchObject({ due: 0 });
  });

  it('when the grace period runs out with nobody else, lapses the coordinator and alerts again, on its own interval, and stops on shutdown', async () => {
    clock.set(day(211));
    scheduler().start();
    await waitFor(async () => (await roleEvents()).some((event) => event.type === 'RoleLapsed' && event.data.role === 'coordinator'), {
      description: 'the coordinator to lapse',
      timeoutMs: 10_000,
    });
    await scheduler().stop();

    const tail = (await roleEvents()).slice(-2);
    expect(tail).toEqual([
      { type: 'RoleLapsed', data: expect.objectContaining({ memberId: ana, role: 'coordinator', endedAt: new Date(day(210) + 60_000).toISOString() }) },
      { type: 'CoordinatorGapAlerted', data: expect.objectContaining({ memberId: ana, reason: 'grace-ended', graceUntil: null }) },
    ]);
    const published = (await store.readStream(orm.em.fork(), podRolesStream(podId))).events.map(
      (event) => membershipService.publish!(event)?.contract.type ?? null,
    );
    // Every event leaves the service under its contract (the two replicas' order on day 180 may vary).
    expect([...published].sort()).toEqual([
      'membership.coordinator-gap-alerted.v1',
      'membership.coordinator-gap-alerted.v1',
      'membership.role-granted.v1',
      'membership.role-granted.v1',
      'membership.role-lapsed.v1',
      'membership.role-lapsed.v1',
      'membership.role-term-ending.v1',
      'membership.role-term-ending.v1',
    ]);

    // Stopped: moving time on produces nothing more.
    const count = (await roleEvents()).length;
    clock.set(day(400));
    await new Promise((resolve) => setTimeout(resolve, 4 * options.intervalMs));
    expect((await roleEvents()).length).toBe(count);
  });

  it('keeps role terms invisible to a transaction that names no pod', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from role_terms')).rows[0].n).toBe(0);
      await client.query('begin');
      await client.query("select set_config('mutuo.role_terms_scan', 'due-terms', true)");
      expect((await client.query('select count(*)::int as n from role_terms')).rows[0].n).toBe(2);
      // The scan is read-only: it cannot change another pod's terms.
      expect((await client.query("update role_terms set status = 'active'")).rowCount).toBe(0);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });
});
