import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, roleOf, runMigrations, serviceConfigSchema, createLogger, isTransientError } from '@mutuo/platform';
import { serviceMigrations, type ServiceDefinition } from './service-definition';

/** How long a migration step keeps retrying a database it cannot reach yet (name not resolved, refused, starting). */
const UNREACHABLE_DATABASE_PATIENCE_MS = 120_000;
const MAX_RETRY_PAUSE_MS = 10_000;

/**
 * Creates the service database and runtime role when missing, applies pending migrations as the
 * owner (DATABASE_ADMIN_URL) and grants the runtime role (the user of DATABASE_URL) its access.
 * A one-shot step started beside the database (compose, a Kubernetes Job) may find it unreachable for a moment, or
 * its name not yet resolvable: those failures are retried for a while; any other failure ends the step at once.
 */
export async function migrateService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
  patienceMs = UNREACHABLE_DATABASE_PATIENCE_MS,
): Promise<string[]> {
  const config = loadConfig(serviceConfigSchema(definition.name, { defaultPort: definition.defaultPort }), env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const giveUpAt = Date.now() + patienceMs;
  for (let pauseMs = 500; ; pauseMs = Math.min(pauseMs * 2, MAX_RETRY_PAUSE_MS)) {
    try {
      return await runMigrations({
        adminUrl: config.DATABASE_ADMIN_URL,
        appRole: roleOf(config.DATABASE_URL),
        appPassword: config.DATABASE_APP_PASSWORD,
        entities: definition.entities,
        migrations: serviceMigrations(definition),
        logger,
      });
    } catch (error) {
      if (!isTransientError(error) || Date.now() + pauseMs > giveUpAt) throw error;
      logger.warn({ err: error, retryInMs: pauseMs }, 'The database is not reachable yet; retrying the migrations');
      await sleep(pauseMs);
    }
  }
}
