import { loadConfig, roleOf, runMigrations, serviceConfigSchema, createLogger } from '@mutuo/platform';
import { serviceMigrations, type ServiceDefinition } from './service-definition';

/**
 * Creates the service database and runtime role when missing, applies pending migrations as the
 * owner (DATABASE_ADMIN_URL) and grants the runtime role (the user of DATABASE_URL) its access.
 */
export async function migrateService(definition: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const config = loadConfig(serviceConfigSchema(definition.name, { defaultPort: definition.defaultPort }), env);
  return runMigrations({
    adminUrl: config.DATABASE_ADMIN_URL,
    appRole: roleOf(config.DATABASE_URL),
    appPassword: config.DATABASE_APP_PASSWORD,
    entities: definition.entities,
    migrations: serviceMigrations(definition),
    logger: createLogger(definition.name, config.LOG_LEVEL),
  });
}
