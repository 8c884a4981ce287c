import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { PodCreatedV1 } from '@mutuo/contracts';
import { eventStreamName } from '@mutuo/messaging';
import { dropDatabase, ensureAppRole } from '@mutuo/platform';
import {
  IntegrationEventPublisher,
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  answersOk,
  deleteStreamsWithPrefix,
  freePort,
  natsTestPrefix,
  stopChildProcess,
  uniqueSuffix,
  waitFor,
} from '@mutuo/testing';
import { REPOSITORY_ROOT, exportOlderVersion, olderCommit, type OlderVersion } from './older-version';

/**
 * A rolling upgrade of one service, with genuinely older code: requests at version N-1 (an earlier commit, exported by
 * git archive) and at version N (this checkout) run at once against the same database and the same durable JetStream
 * consumer, as two replicas of one Deployment do while it rolls. N's migrations run while N-1 serves; then N starts;
 * then N-1 stops. Events published before, during and after the overlap are each handled once: none lost, none doubled.
 */
const SERVICE = 'requests';
const EVENTS_PER_PHASE = 40;
const START_TIMEOUT_MS = 240_000;

interface Version {
  readonly label: string;
  readonly root: string;
}

describe('Upgrading requests while it runs: N-1 and N side by side', () => {
  const suffix = uniqueSuffix();
  const prefix = natsTestPrefix();
  const database = `mutuo_upgrade_${SERVICE}_${suffix}`;
  const running: ChildProcess[] = [];
  const output = new Map<string, string[]>();
  let older: OlderVersion;
  let publisher: IntegrationEventPublisher;
  let nc: NatsConnection;
  let db: Client;
  const regionId = randomUUID();
  const published: string[] = [];

  const admin = new URL(TEST_POSTGRES_URL);
  admin.pathname = `/${database}`;
  const app = new URL(admin.toString());
  app.username = `mutuo_${SERVICE}_app`;
  app.password = '';
  const env = (port: number): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    JWT_ALGORITHMS: 'HS256',
    GATEWAY_SHARED_SECRET: randomBytes(24).toString('hex'),
    REGION: 'upgrade',
    REQUEST_EXPIRY_ENABLED: 'false',
    PORT: String(port),
    DATABASE_ADMIN_URL: admin.toString(),
    DATABASE_URL: app.toString(),
    NATS_PREFIX: prefix,
  });

  const launch = (version: Version, script: string, port: number): ChildProcess => {
    const child = spawn(process.execPath, ['-r', join(version.root, 'infra', 'register.js'), script], {
      cwd: version.root,
      env: env(port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    output.set(`${version.label} ${script}`, lines);
    const keep = (chunk: Buffer) => lines.push(chunk.toString());
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return child;
  };
  const logsOf = (version: Version, script: string) => (output.get(`${version.label} ${script}`) ?? []).slice(-30).join('');

  const migrate = (version: Version) =>
    new Promise<void>((resolve, reject) => {
      const script = `services/${SERVICE}/src/migrate.ts`;
      launch(version, script, 0).once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${version.label} migrations failed (exit ${code}):\n${logsOf(version, script)}`)),
      );
    });

  const start = async (version: Version): Promise<ChildProcess> => {
    const port = await freePort();
    const script = `services/${SERVICE}/src/main.ts`;
    const child = launch(version, script, port);
    running.push(child);
    try {
      await waitFor(() => answersOk(`http://127.0.0.1:${port}/health/ready`), {
        description: `${version.label} to be ready`,
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 250,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${logsOf(version, script)}`);
    }
    return child;
  };

  /** Pods created by membership, as requests learns them: one pod_facts row each. */
  const publishPods = async (count: number) => {
    for (let index = 0; index < count; index++) {
      const podId = randomUUID();
      await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
        podId,
        regionId,
        name: `Pod ${published.length}`,
        languages: ['en'],
        timezone: 'Europe/Paris',
      });
      published.push(podId);
    }
  };

  const handled = async () => {
    const { rows } = await db.query<{ count: string }>('select count(*) from pod_facts where region_id = $1', [regionId]);
    return Number(rows[0]!.count);
  };
  const appliedMigrations = async () => (await db.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((row) => row.name);
  const waitUntilAllHandled = () =>
    waitFor(async () => (await handled()) === published.length, { description: `${published.length} pods in pod_facts`, timeoutMs: 60_000, intervalMs: 100 });

  beforeAll(async () => {
    older = exportOlderVersion(olderCommit(SERVICE));
    await ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${SERVICE}_app` });
    publisher = await IntegrationEventPublisher.connect(prefix, 'upgrade');
    nc = await connect({ servers: TEST_NATS_URL, name: 'mutuo-upgrade-test' });
  });

  afterAll(async () => {
    await Promise.all(running.map((child) => stopChildProcess(child)));
    await db?.end().catch(() => undefined);
    await publisher?.close();
    await nc?.close();
    await dropDatabase(TEST_POSTGRES_URL, database);
    await deleteStreamsWithPrefix(prefix);
    older?.remove();
  });

  it('handles every event once while N-1 and N consume from one durable consumer and serve one database', async () => {
    const previous: Version = { label: `N-1 (${older.commit.slice(0, 10)})`, root: older.root };
    const current: Version = { label: 'N (this checkout)', root: REPOSITORY_ROOT };

    // N-1 runs alone, as before the upgrade.
    await migrate(previous);
    const previousProcess = await start(previous);
    db = new Client({ connectionString: admin.toString() });
    await db.connect();
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // The upgrade: N's migrations (expand only) while N-1 serves, then N starts beside it.
    const migrationsBefore = await appliedMigrations();
    await migrate(current);
    expect((await appliedMigrations()).slice(0, migrationsBefore.length)).toEqual(migrationsBefore);
    await start(current);
    // Both pull from the one durable consumer of membership's stream: two waiting pull requests, one per version.
    const jsm = await jetstreamManager(nc);
    const membershipStream = eventStreamName(prefix, 'membership');
    const consumers = await jsm.consumers.list(membershipStream).next();
    const durable = consumers.find((info) => info.name.startsWith(SERVICE));
    expect(durable).toBeDefined();
    await waitFor(async () => (await jsm.consumers.info(membershipStream, durable!.name)).num_waiting >= 2, {
      description: 'both versions to pull from the durable consumer',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // N-1 stops (gracefully, as Kubernetes stops a replica); events published meanwhile are not lost.
    const stopping = stopChildProcess(previousProcess);
    await publishPods(EVENTS_PER_PHASE);
    await stopping;
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // Exactly once: one inbox row per event for the service's consumer, nothing left pending or unacknowledged.
    const { rows: inbox } = await db.query<{ count: string }>(`select count(*) from mutuo_inbox where consumer = $1`, [SERVICE]);
    expect(Number(inbox[0]!.count)).toBe(published.length);
    expect(await handled()).toBe(4 * EVENTS_PER_PHASE);
    const info = await jsm.consumers.info(membershipStream, durable!.name);
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  });
});
