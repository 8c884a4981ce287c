import { cpus, release, totalmem } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { INBOX_SCHEMA_SQL, errorMessage, eventStreamName } from '@mutuo/messaging';
import { dropDatabase, ensureDatabase, withDatabase, withPgClient } from '@mutuo/platform';
import { TEST_NATS_URL, TEST_POSTGRES_URL, deleteStreamsWithPrefix, uniqueSuffix } from '@mutuo/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BARE_TABLE_SQL, HANDLED_TABLE_SQL, PRODUCING_SERVICE } from './request-events';

/**
 * Undo steps for everything the benchmark creates, run last-in first-out exactly once: at the end,
 * after a failure, or on SIGINT/SIGTERM.
 */
export class CleanupStack {
  private readonly steps: { readonly name: string; readonly run: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  defer(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`cleanup: ${step.name} failed: ${errorMessage(error)}\n`);
        }
      }
    })();
    return this.running;
  }
}

export interface MachineInfo {
  readonly cpus: string;
  readonly memory: string;
  readonly os: string;
  readonly node: string;
  readonly postgres: string;
  readonly postgresDurability: string;
  readonly nats: string;
}

export interface BenchEnvironment {
  readonly databaseName: string;
  /** Superuser URL of the benchmark database (also the relay's advisory-lock connection). */
  readonly databaseUrl: string;
  readonly orm: MikroORM;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  /** NATS subject prefix; every stream the benchmark creates starts with it. */
  readonly prefix: string;
  /** The JetStream stream holding the published events. */
  readonly eventStream: string;
  /** Replicas of the streams the scenarios create (R=3 on a cluster). */
  readonly replicas: number;
  readonly machine: MachineInfo;
}

/**
 * A fresh database with the event-store and inbox schemas, opened through MikroORM as a service
 * opens it, and a NATS connection with a subject prefix of its own. Both are removed by `cleanup`.
 */
export async function openBenchEnvironment(
  cleanup: CleanupStack,
  { natsUrl = TEST_NATS_URL, replicas = 1 }: { readonly natsUrl?: string; readonly replicas?: number } = {},
): Promise<BenchEnvironment> {
  const suffix = uniqueSuffix();
  const databaseName = `mutuo_bench_${suffix}`;
  const prefix = `bench${suffix}`;
  const databaseUrl = withDatabase(TEST_POSTGRES_URL, databaseName);

  await ensureDatabase(TEST_POSTGRES_URL, databaseName);
  cleanup.defer(`drop database ${databaseName}`, () => dropDatabase(TEST_POSTGRES_URL, databaseName));
  await withPgClient(databaseUrl, (client) => client.query(EVENT_STORE_SCHEMA_SQL + INBOX_SCHEMA_SQL + BARE_TABLE_SQL + HANDLED_TABLE_SQL));

  const orm = await MikroORM.init({
    clientUrl: databaseUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    // The pool size a service gets from createOrmConfig.
    pool: { min: 2, max: 10 },
    debug: false,
  });
  cleanup.defer('close MikroORM', () => orm.close(true));

  // No endless reconnects as a service would do: a benchmark without NATS should fail at once.
  const nc = await connect({ servers: natsUrl.split(','), name: `mutuo-bench-${suffix}`, timeout: 5_000 });
  cleanup.defer(`delete streams ${prefix}*`, () => deleteStreamsWithPrefix(prefix, natsUrl.split(',')[0]));
  cleanup.defer('close NATS', () => nc.close());
  const jsm = await jetstreamManager(nc);

  return {
    databaseName,
    databaseUrl,
    orm,
    nc,
    jsm,
    prefix,
    eventStream: eventStreamName(prefix, PRODUCING_SERVICE),
    replicas,
    machine: await describeMachine(databaseUrl, nc),
  };
}

async function describeMachine(databaseUrl: string, nc: NatsConnection): Promise<MachineInfo> {
  const settings = await withPgClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers')`,
    );
    return new Map(rows.map((row) => [row.name, row.setting]));
  });
  const processors = cpus();
  return {
    cpus: `${processors.length} × ${processors[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${process.platform} ${release()}`,
    node: process.version,
    postgres: settings.get('server_version') ?? 'unknown',
    postgresDurability: `fsync=${settings.get('fsync')}, synchronous_commit=${settings.get('synchronous_commit')}, shared_buffers=${settings.get('shared_buffers')}×8kB`,
    nats: nc.info?.version ?? 'unknown',
  };
}
