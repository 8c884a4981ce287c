import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import { Module, type INestApplication, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { AppendListener, EventUpcasters, PostgresEventStore, ProjectionRunner, type ProjectionFailure } from '@mutuo/event-store';
import {
  JetStreamServer,
  NatsHealth,
  NatsProvisioningError,
  OutboxRelay,
  checkConsumer,
  checkServiceMessaging,
  connectNats,
  createOutboxMapper,
  eventContext,
  type MessagingLogger,
} from '@mutuo/messaging';
import {
  JwtVerifier,
  NestPinoLogger,
  createLogger,
  createOrmConfig,
  databaseCheck,
  databaseNameOf,
  databaseUrlWithPassword,
  HealthModule,
  loadConfig,
  MetricsModule,
  mountSubgraph,
  serviceConfigSchema,
  startTracing,
  type ServiceConfig,
  connectableHost,
} from '@mutuo/platform';
import { parse } from 'graphql';
import type { Logger } from 'pino';
import { ServiceMetrics } from './metrics/service-metrics';
import { ServiceRuntimeModule } from './service-runtime.module';
import { outboxRelayLockName, serviceMigrations, type ServiceDefinition } from './service-definition';
import { consumedEventTypes, messagingPlanFor } from './service-messaging';
import { checkMigrations } from './check-migrations';

export interface RunningService {
  readonly app: INestApplication;
  readonly url: string;
  readonly orm: MikroORM;
  readonly store: PostgresEventStore;
  readonly relay: OutboxRelay;
  readonly projections: ProjectionRunner;
  readonly config: ServiceConfig;
  readonly logger: Logger;
  /** Stops consuming, finishes in-flight work, flushes the outbox and closes every connection. */
  close(): Promise<void>;
}

export interface StartServiceOptions {
  /** Environment to read the configuration from (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides for tests: shorter polling and retry delays. */
  readonly pollIntervalMs?: number;
}

const SHUTDOWN_FLUSH_MS = 5_000;
/**
 * Once idle, the relay and projections poll this rarely: every append, this instance's or another's, wakes them (an
 * in-process nudge, or the AppendListener), so a poll only guards against a wake-up lost while the listener reconnects.
 */
export const IDLE_POLL_INTERVAL_MS = 30_000;
const NATS_DRAIN_MS = 2_000;

/**
 * Starts one service: database (as the runtime role), event store with transactional outbox, outbox
 * relay, projections, the Federation subgraph, health endpoints and, when it consumes events, its
 * durable JetStream consumer. Configuration errors throw ConfigError (one line naming each variable).
 */
export async function startService(definition: ServiceDefinition, options: StartServiceOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = loadConfig(serviceConfigSchema(definition.name, { defaultPort: definition.defaultPort }), env);
  const typeDefs = parse(readFileSync(definition.schemaPath, 'utf8'));
  // While a consumer handles an event, log lines carry that event's pod and correlation.
  const logger = createLogger(definition.name, config.LOG_LEVEL, undefined, () => {
    const handling = eventContext.get();
    return (
      handling && {
        podId: handling.podId,
        correlationId: handling.correlationId,
        causationId: handling.causationId,
        actor: handling.actorId,
        eventType: handling.eventType,
      }
    );
  });
  const messagingLogger = toMessagingLogger(logger);

  const orm = await MikroORM.init(
    createOrmConfig({
      clientUrl: config.DATABASE_URL,
      password: config.DATABASE_APP_PASSWORD,
      entities: definition.entities,
      migrations: serviceMigrations(definition),
      logger,
    }),
  );
  let nc: NatsConnection | undefined;
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; then every span of this process is this service's.
  const tracing = startTracing({ service: definition.name, variables: config, environment: config.NODE_ENV });
  try {
    await checkMigrations(orm, definition, { database: databaseNameOf(config.DATABASE_URL), production: config.NODE_ENV === 'production' }, logger);
    nc = await connectNats(config.NATS_URL, `${definition.name}@${hostname()}:${process.pid}`);
    const natsHealth = new NatsHealth(nc);
    // Streams and consumers are provisioned by `mutuo <service> streams apply`; the start only checks them (outside
    // production it creates what is missing) and never changes one that exists.
    const jsm = await jetstreamManager(nc);
    const messagingPlan = messagingPlanFor(definition, config, nc);
    const messagingCheck = { createMissing: config.NODE_ENV !== 'production', logger: messagingLogger };
    await checkServiceMessaging(jsm, messagingPlan, messagingCheck);

    const metrics = new ServiceMetrics(definition, { orm, nats: nc, natsHealth, logger });
    // The store wakes the relay and projections, which are built from the store: the callback runs only
    // after start, by which time both exist.
    const publish = definition.publish;
    const codec = definition.eventDataCodec?.(env, config.PERSONAL_DATA_KEKS);
    // Keys still raw, or wrapped with a KEK that is no longer primary, are wrapped with the primary one now.
    const rewrapped = (await codec?.prepare?.(orm.em.fork())) ?? 0;
    if (rewrapped > 0) logger.info({ rewrapped }, 'Personal data keys re-wrapped with the primary key-encryption key');
    const store = new PostgresEventStore({
      outbox: publish
        ? createOutboxMapper({ service: definition.name, region: config.REGION, prefix: config.NATS_PREFIX, map: (event) => publish(event, env) })
        : undefined,
      codec,
      upcasters: new EventUpcasters(definition.upcasters ?? []),
      onAppended: (events) => {
        relay.nudge();
        projections.nudge();
        metrics.countAppended(events);
      },
    });
    const relay = new OutboxRelay({
      entityManager: orm.em,
      nats: nc,
      lockConnection: databaseUrlWithPassword(config.DATABASE_URL, config.DATABASE_APP_PASSWORD),
      lockName: outboxRelayLockName(definition.name),
      pollIntervalMs: options.pollIntervalMs,
      idlePollIntervalMs: IDLE_POLL_INTERVAL_MS,
      logger: messagingLogger,
      codec,
    });
    metrics.observeRelay(relay);
    const projections = new ProjectionRunner(orm.em, store, definition.projections, {
      pollIntervalMs: options.pollIntervalMs,
      idlePollIntervalMs: IDLE_POLL_INTERVAL_MS,
      countFailure: metrics.projections.countFailure,
      reportFailure: (failure) => logProjectionFailure(logger, failure),
    });
    metrics.projections.observe(projections);
    // Another instance's append wakes this one's relay and projections, as this instance's own appends do.
    const appendListener = new AppendListener({
      connection: databaseUrlWithPassword(config.DATABASE_URL, config.DATABASE_APP_PASSWORD),
      onAppended: () => {
        relay.nudge();
        projections.nudge();
      },
      onProblem: (message) => logger.warn(message),
    });

    // Ready means able to serve the API, which needs the database; a NATS outage shows in mutuo_nats_connected and
    // the logs instead (the outbox keeps commands working), so it does not take every replica out of the load balancer.
    const readiness = { database: databaseCheck(orm) };
    metrics.observeReadiness(readiness);
    const health = HealthModule.register(readiness, { logger });
    const operations = [health, MetricsModule.register(metrics.registry, { logger })];
    const app = await NestFactory.create(rootModule(definition, { orm, store, logger, config, env, metrics: metrics.registry }, operations), {
      logger: new NestPinoLogger(logger),
      abortOnError: false,
    });
    // Nothing in an answer says which framework serves it (express adds X-Powered-By by default).
    (app.getHttpAdapter().getInstance() as { disable(setting: string): unknown }).disable('x-powered-by');
    app.use(metrics.http);
    definition.mountPublicHttp?.(app);
    await mountSubgraph(app, {
      typeDefs,
      resolvers: definition.resolvers(app),
      sharedSecret: config.GATEWAY_SHARED_SECRET,
      verifier: JwtVerifier.fromConfig(config),
      logger,
      production: config.NODE_ENV === 'production',
      metrics: metrics.registry,
    });

    if (definition.consumesEvents) {
      const server = new JetStreamServer({
        nats: nc,
        consumer: definition.name,
        entityManager: orm.em,
        prefix: config.NATS_PREFIX,
        logger: messagingLogger,
        observer: metrics.consumer,
        expectedTypes: consumedEventTypes(definition),
        provision: async (plan) => {
          const problem = await checkConsumer(jsm, plan, messagingPlan.consumerSettings, messagingCheck);
          if (problem) throw new NatsProvisioningError(definition.name, [problem]);
        },
        ...(options.pollIntervalMs ? { retryBackoff: { initialMs: options.pollIntervalMs, maxMs: options.pollIntervalMs * 4 } } : {}),
      });
      metrics.observeConsumer(() => server.stats());
      app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    }

    await app.startAllMicroservices();
    await app.listen(config.PORT, config.HOST);
    relay.start();
    projections.start();
    appendListener.start();
    const address = app.getHttpServer().address() as { port: number };
    const url = `http://${connectableHost(config.HOST)}:${address.port}`;
    logger.info({ url }, `${definition.name} is listening`);

    let closing: Promise<void> | undefined;
    const connection = nc;
    const close = () =>
      (closing ??= (async () => {
        // Nest closes the JetStream consumer first (no new messages, in-flight ones finish) and the HTTP server.
        await app.close();
        await appendListener.stop();
        await projections.stop();
        await relay
          .flush(SHUTDOWN_FLUSH_MS)
          .catch((error: unknown) => logger.warn({ err: error }, 'Outbox not fully flushed at shutdown; the next start publishes the rest'));
        await relay.stop();
        metrics.dispose();
        natsHealth.dispose();
        // Draining needs a live server; when NATS is down, give up after a moment and close.
        await Promise.race([connection.drain().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, NATS_DRAIN_MS).unref())]);
        if (!connection.isClosed()) await connection.close().catch(() => undefined);
        await orm.close(true);
        await tracing.shutdown();
        logger.info(`${definition.name} stopped`);
      })());
    return { app, url, orm, store, relay, projections, config, logger, close };
  } catch (error) {
    await nc?.close().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    await tracing.shutdown().catch(() => undefined);
    throw error;
  }
}

/** The service's own module, with the runtime it injects and the operators' endpoints (health, metrics). */
function rootModule(
  definition: ServiceDefinition,
  runtime: Parameters<typeof ServiceRuntimeModule.forRuntime>[0],
  operations: readonly DynamicModule[],
): DynamicModule {
  @Module({})
  class ServiceRootModule {}
  return {
    module: ServiceRootModule,
    imports: [ServiceRuntimeModule.forRuntime(runtime), definition.module, ...operations],
  };
}

/** One line per parked event, and per retried batch (rate-limited by the runner): the projection, the event, the error. */
function logProjectionFailure(logger: Logger, failure: ProjectionFailure): void {
  const event = failure.event && {
    eventId: failure.event.eventId,
    type: failure.event.type,
    streamId: failure.event.streamId,
    streamPosition: failure.event.streamPosition,
    podId: failure.event.podId,
    globalPosition: failure.event.globalPosition,
  };
  const fields = { err: failure.error, projection: failure.projection, event, unreportedFailures: failure.unreported };
  if (failure.outcome === 'parked') {
    logger.error(fields, 'Projection parked an event it cannot apply; its stream waits behind it until retryParked succeeds');
  } else {
    logger.error(fields, 'Projection failed; the batch is retried at the next poll');
  }
}

function toMessagingLogger(logger: Logger): MessagingLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
