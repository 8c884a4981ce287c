import { hostname } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventUpcasters, PostgresEventStore, ProjectionRunner } from '@mutuo/event-store';
import { connectNats } from '@mutuo/messaging';
import { createOrmConfig, loadConfig, serviceConfigSchema } from '@mutuo/platform';
import { serviceMigrations } from '../service-definition';
import type { OperatorContext } from './operator-command';

/** The service's configuration, validated exactly as the service validates it at start. */
export function operatorConfig(context: OperatorContext) {
  return loadConfig(serviceConfigSchema(context.definition.name, { defaultPort: context.definition.defaultPort }), context.env);
}

export type OperatorConfig = ReturnType<typeof operatorConfig>;

/** Runs `work` with the service database, connected as the service's runtime role (DATABASE_URL). */
export async function withServiceDatabase<T>(context: OperatorContext, work: (orm: MikroORM, config: OperatorConfig) => Promise<T>): Promise<T> {
  const config = operatorConfig(context);
  const orm = await MikroORM.init(
    createOrmConfig({
      clientUrl: config.DATABASE_URL,
      password: config.DATABASE_APP_PASSWORD,
      entities: context.definition.entities,
      migrations: serviceMigrations(context.definition),
      pool: { min: 0, max: 2 },
    }),
  );
  try {
    return await work(orm, config);
  } finally {
    await orm.close(true);
  }
}

/**
 * A projection runner over the service's event store that is never started: the operator's rebuilds and retries run
 * in this process, taking the same locks as the running replicas, which wait for them.
 */
export function operatorProjectionRunner(context: OperatorContext, orm: MikroORM, config: OperatorConfig): ProjectionRunner {
  const { definition } = context;
  const store = new PostgresEventStore({
    codec: definition.eventDataCodec?.(context.env, config.PERSONAL_DATA_KEKS),
    upcasters: new EventUpcasters(definition.upcasters ?? []),
  });
  return new ProjectionRunner(orm.em, store, definition.projections);
}

export interface OperatorNats {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  readonly config: OperatorConfig;
}

/**
 * Runs `work` with a NATS connection as the operator: the provisioning user (NATS_ADMIN_URL) when set, since a service's
 * own user may neither manage streams nor republish another service's events; the service's NATS_URL otherwise. The
 * connection gives up at once when no server answers: an operator wants an answer, not a wait.
 */
export async function withNats<T>(context: OperatorContext, work: (nats: OperatorNats) => Promise<T>): Promise<T> {
  const config = operatorConfig(context);
  const nc = await connectNats(config.NATS_ADMIN_URL ?? config.NATS_URL, `${context.definition.name}-operator@${hostname()}:${process.pid}`, {
    waitOnFirstConnect: false,
    maxReconnectAttempts: 0,
  });
  try {
    return await work({ nc, jsm: await jetstreamManager(nc), js: jetstream(nc), config });
  } finally {
    await nc.close().catch(() => undefined);
  }
}
