import type { MikroORM } from '@mikro-orm/postgresql';
import type { MigrationEntry } from './orm-config';

const UNDEFINED_TABLE = '42P01';

/** A service started on a database its migrations have not reached: the operator runs the migration step first. */
export class PendingMigrationsError extends Error {
  constructor(
    readonly database: string,
    readonly pending: readonly string[],
  ) {
    super(
      `database ${database} has ${pending.length} pending migration(s) (${pending.join(', ')}): ` +
        'run the migration step first (node migrate.js in the image, or npm run mutuo -- <service> migrations apply --yes)',
    );
    this.name = 'PendingMigrationsError';
  }
}

/** The name MikroORM records for a migration: the class name, or the name given with a migration object. */
export function migrationName(entry: MigrationEntry): string {
  return entry.name;
}

/**
 * The expected migrations the database has not run, read with the runtime role (it may select, never create, the
 * migrations table); changes nothing. A database that never ran a migration has them all pending.
 */
export async function pendingMigrations(orm: MikroORM, expected: readonly MigrationEntry[]): Promise<string[]> {
  let executed: Set<string>;
  try {
    const rows = await orm.em.getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations');
    executed = new Set(rows.map((row) => row.name));
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
    executed = new Set();
  }
  return expected.map(migrationName).filter((name) => !executed.has(name));
}
