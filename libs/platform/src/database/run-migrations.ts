import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { createOrmConfig, MigrationEntry, OrmConfigOptions } from './orm-config';
import { databaseNameOf, ensureAppRole, ensureDatabase, grantAppRole, withDatabase, withPgClient } from './postgres-admin';

export interface RunMigrationsOptions {
  /** The owner's URL for the service database (DATABASE_ADMIN_URL); the database is created if missing. */
  readonly adminUrl: string;
  /** The runtime role (the user in DATABASE_URL), created if missing and granted access afterwards. */
  readonly appRole: string;
  readonly appPassword?: string;
  readonly entities?: OrmConfigOptions['entities'];
  /** Preferred over `migrationsPath`: the service's migration classes in order. */
  readonly migrations?: readonly MigrationEntry[];
  readonly migrationsPath?: string;
  readonly logger?: Logger;
}

/**
 * Brings a service database up to date: database, runtime role, pending migrations (as the owner,
 * so the runtime role owns nothing), then the runtime role's grants. Concurrent runs on one database
 * are serialised by an advisory lock. Returns the names of the migrations applied.
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  if (!options.migrations && !options.migrationsPath) throw new Error('runMigrations needs migrations or migrationsPath');
  const database = databaseNameOf(options.adminUrl);
  await ensureDatabase(withDatabase(options.adminUrl), database);
  await ensureAppRole({ adminUrl: options.adminUrl, role: options.appRole, password: options.appPassword });

  // Replicas starting together take turns; the later ones find nothing pending.
  return withMigrationLock(options.adminUrl, async () => {
    const applied = await applyPendingMigrations(options);
    await grantAppRole(options.adminUrl, options.appRole);
    options.logger?.info({ database, applied }, applied.length ? 'Applied database migrations' : 'Database schema is up to date');
    return applied;
  });
}

/** "mutuo" in ASCII: the advisory lock every migration run on a database takes. */
const MIGRATION_LOCK_KEY = 0x6d7574756f;

async function withMigrationLock<T>(adminUrl: string, work: () => Promise<T>): Promise<T> {
  return withPgClient(adminUrl, async (client) => {
    await client.query("set lock_timeout = '120s'");
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      // Closing the session releases the lock too, so a failed unlock must not hide the real outcome.
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}

async function applyPendingMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const orm = await MikroORM.init(
    createOrmConfig({
      clientUrl: options.adminUrl,
      entities: options.entities ?? [],
      migrations: options.migrations,
      migrationsPath: options.migrationsPath,
      allowGlobalContext: true,
      pool: { min: 0, max: 2 },
    }),
  );
  try {
    return (await orm.getMigrator().up()).map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

/** The role name in a postgres:// URL (DATABASE_URL's user is the runtime role). */
export function roleOf(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) throw new Error('The database URL does not name a user');
  return user;
}
