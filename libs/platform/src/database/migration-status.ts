import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, type MigrationEntry, type OrmConfigOptions } from './orm-config';
import { databaseNameOf, withDatabase, withPgClient } from './postgres-admin';

export interface MigrationStatus {
  readonly database: string;
  /** False when the database has not been created yet: every migration is pending. */
  readonly databaseExists: boolean;
  readonly executed: readonly { readonly name: string; readonly executedAt: Date | null }[];
  readonly pending: readonly string[];
}

export interface MigrationStatusOptions {
  /** The owner's URL for the service database (DATABASE_ADMIN_URL). */
  readonly adminUrl: string;
  readonly entities?: OrmConfigOptions['entities'];
  readonly migrations: readonly MigrationEntry[];
}

/** Which migrations a service database has run and which are still to run; changes nothing. */
export async function migrationStatus(options: MigrationStatusOptions): Promise<MigrationStatus> {
  const database = databaseNameOf(options.adminUrl);
  const exists = await withPgClient(withDatabase(options.adminUrl), async (client) => {
    const result = await client.query('select 1 from pg_database where datname = $1', [database]);
    return result.rowCount === 1;
  });
  if (!exists) return { database, databaseExists: false, executed: [], pending: options.migrations.map((entry) => entry.name) };

  const orm = await MikroORM.init(
    createOrmConfig({
      clientUrl: options.adminUrl,
      entities: options.entities ?? [],
      migrations: options.migrations,
      allowGlobalContext: true,
      pool: { min: 0, max: 1 },
    }),
  );
  try {
    const migrator = orm.getMigrator();
    const executed = await migrator.getExecutedMigrations();
    const pending = await migrator.getPendingMigrations();
    return {
      database,
      databaseExists: true,
      executed: executed.map((row) => ({ name: row.name, executedAt: row.executed_at ? new Date(row.executed_at) : null })),
      pending: pending.map((migration) => migration.name),
    };
  } finally {
    await orm.close(true);
  }
}
