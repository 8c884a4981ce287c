import { isAbsolute } from 'node:path';
import type { Constructor, MigrationObject } from '@mikro-orm/core';
import { Migration, Migrator } from '@mikro-orm/migrations';
import { defineConfig, Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

/** A committed migration class, or one with an explicit name (the name is what the history table records). */
export type MigrationEntry = Constructor<Migration> | MigrationObject;

export interface OrmConfigOptions {
  readonly clientUrl: string;
  readonly entities: NonNullable<Options['entities']>;
  /**
   * The service's migration classes in order. Preferred: nothing is globbed from disk, so the same
   * list works under @swc-node/register, jest and compiled output.
   */
  readonly migrations?: readonly MigrationEntry[];
  /** Absolute folder of migration files (.ts from source, .js when compiled); used when `migrations` is not given. */
  readonly migrationsPath?: string;
  readonly password?: string;
  /** Services keep it off so every unit of work forks its own EntityManager. */
  readonly allowGlobalContext?: boolean;
  readonly pool?: { readonly min?: number; readonly max?: number };
  /** SQL is logged when this logger is at debug level or finer. */
  readonly logger?: Logger;
}

/** MikroORM options for a Mutuo service database (PostgreSQL, Migrator extension registered). */
export function createOrmConfig(options: OrmConfigOptions): Options {
  if (options.migrationsPath !== undefined && !isAbsolute(options.migrationsPath)) {
    throw new Error(`migrationsPath must be absolute (got "${options.migrationsPath}"): build it from __dirname`);
  }
  const logger = options.logger?.isLevelEnabled('debug') ? options.logger : undefined;
  return defineConfig({
    clientUrl: options.clientUrl,
    ...(options.password !== undefined ? { password: options.password } : {}),
    entities: options.entities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    allowGlobalContext: options.allowGlobalContext ?? false,
    // Databases and roles are created by runMigrations as the owner, never by the runtime role.
    ensureDatabase: false,
    pool: {
      min: options.pool?.min ?? 0,
      max: options.pool?.max ?? 10,
      // Longer than the idle poll of relay and projections (30 s): an idle service keeps its connection rather than
      // opening a new one (a new PostgreSQL backend) at every poll. Idle connections are looked for every 10 s, not
      // every second (tarn's default), so an idle service is not woken each second for it.
      idleTimeoutMillis: 120_000,
      reapIntervalMillis: 10_000,
      acquireTimeoutMillis: 10_000,
    },
    // Loads migration files through the caller's module loader, so TS files load under swc-node and jest.
    dynamicImportProvider: (id: string) => import(id),
    migrations: {
      tableName: 'mikro_orm_migrations',
      ...(options.migrations ? { migrationsList: [...options.migrations] } : {}),
      ...(options.migrationsPath ? { path: options.migrationsPath, pathTs: options.migrationsPath } : {}),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
    debug: logger ? ['query'] : false,
    ...(logger ? { logger: (message: string) => logger.debug({ component: 'mikro-orm' }, message) } : {}),
  });
}
