import type { MikroORM } from '@mikro-orm/postgresql';
import { PendingMigrationsError, pendingMigrations } from '@mutuo/platform';
import type { Logger } from 'pino';
import { serviceMigrations, type ServiceDefinition } from './service-definition';

/**
 * Migrations are their own step (migrate.js); a service never runs them. In production it refuses a database the step has
 * not brought up to date, so a new version never runs on an old schema; elsewhere it warns and starts.
 */
export async function checkMigrations(
  orm: MikroORM,
  definition: ServiceDefinition,
  target: { readonly database: string; readonly production: boolean },
  logger: Logger,
): Promise<void> {
  const pending = await pendingMigrations(orm, serviceMigrations(definition));
  if (pending.length === 0) return;
  const problem = new PendingMigrationsError(target.database, pending);
  if (target.production) throw problem;
  logger.warn({ pending }, problem.message);
}
