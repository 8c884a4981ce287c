import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { PodCreatedV1 } from '@mutuo/contracts';
import { eventStreamName } from '@mutuo/messaging';
import { IntegrationEventPublisher, TEST_NATS_URL, waitFor } from '@mutuo/testing';
import { exportOlderVersion, olderCommit, type OlderVersion } from './older-version';
import { CURRENT_VERSION, ServiceProcesses, type Version } from './service-processes';

/**
 * A rolling upgrade of one service, with genuinely older code: requests at version N-1 (an earlier commit, exported by
 * git archive) and at version N (this checkout) run at once against the same database and the same durable JetStream
 * consumer, as two replicas of one Deployment do while it rolls. N's migrations run while N-1 serves; then N starts;
 * then N-1 stops. Events published before, during and after the overlap are each handled once: none lost, none doubled.
 */
const SERVICE = 'requests';
const EVENTS_PER_PHASE = 40;

describe('Upgrading requests while it runs: N-1 and N side by side', () => {
  const requests = new ServiceProcesses(SERVICE, { REQUEST_EXPIRY_ENABLED: 'false' });
  const regionId = randomUUID();
  const published: string[] = [];
  let older: OlderVersion;
  let publisher: IntegrationEventPublisher;
  let nc: NatsConnection;
  let db: Client;

  beforeAll(async () => {
    older = exportOlderVersion(olderCommit(SERVICE));
    publisher = await IntegrationEventPublisher.connect(requests.prefix, 'ops');
    nc = await connect({ servers: TEST_NATS_URL, name: 'mutuo-upgrade-test' });
  });

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await requests.cleanup();
    await publisher?.close();
    await nc?.close();
    older?.remove();
  });

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
  const handled = async () => Number((await db.query<{ count: string }>('select count(*) from pod_facts where region_id = $1', [regionId])).rows[0]!.count);
  const waitUntilAllHandled = () =>
    waitFor(async () => (await handled()) === published.length, { description: `${published.length} pods in pod_facts`, timeoutMs: 60_000, intervalMs: 100 });
  const appliedMigrations = async () => (await db.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((row) => row.name);

  it('handles every event once while N-1 and N consume from one durable consumer and serve one database', async () => {
    const previous: Version = { label: `N-1 (${older.commit.slice(0, 10)})`, root: older.root };

    // N-1 runs alone, as before the upgrade.
    await requests.migrate(previous);
    const previousReplica = await requests.start(previous);
    db = new Client({ connectionString: requests.adminUrl });
    await db.connect();
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // The upgrade: N's migrations (expand only) while N-1 serves, then N starts beside it.
    const migrationsBefore = await appliedMigrations();
    await requests.migrate(CURRENT_VERSION);
    expect((await appliedMigrations()).slice(0, migrationsBefore.length)).toEqual(migrationsBefore);
    await requests.start(CURRENT_VERSION);
    // Both pull from the one durable consumer of membership's stream: two waiting pull requests, one per version.
    const jsm = await jetstreamManager(nc);
    const membershipStream = eventStreamName(requests.prefix, 'membership');
    const durable = (await jsm.consumers.list(membershipStream).next()).find((info) => info.name.startsWith(SERVICE));
    expect(durable).toBeDefined();
    await waitFor(async () => (await jsm.consumers.info(membershipStream, durable!.name)).num_waiting >= 2, {
      description: 'both versions to pull from the durable consumer',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // N-1 stops (gracefully, as Kubernetes stops a replica); events published meanwhile are not lost.
    const stopping = requests.stop(previousReplica.process);
    await publishPods(EVENTS_PER_PHASE);
    await stopping;
    await publishPods(EVENTS_PER_PHASE);
    await waitUntilAllHandled();

    // Exactly once: one inbox row per event for the service's consumer, nothing left pending or unacknowledged.
    const inbox = await db.query<{ count: string }>('select count(*) from mutuo_inbox where consumer = $1', [SERVICE]);
    expect(Number(inbox.rows[0]!.count)).toBe(published.length);
    expect(await handled()).toBe(4 * EVENTS_PER_PHASE);
    const info = await jsm.consumers.info(membershipStream, durable!.name);
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  });
});
