import { Client } from 'pg';

/** The transaction-local setting read-model policies compare `pod_id` with (same as @mutuo/event-store's POD_SETTING). */
export const POD_ID_SETTING = 'mutuo.pod_id';

/** Tables the runtime role may only read and append to. */
export const APPEND_ONLY_TABLES: readonly string[] = ['mutuo_events'];
/** MikroORM's migration history: the runtime role may read it, never rewrite it. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function assertIdentifier(kind: string, name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Invalid ${kind} "${name}": use lowercase letters, digits and "_" (at most 63 characters)`);
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'mutuo-admin' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The database a postgres:// URL points at. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('The database URL does not name a database');
  return name;
}

/** The same server and credentials, connected to another database (the maintenance database by default). */
export function withDatabase(url: string, database = 'postgres'): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Creates the database unless it exists. Safe when several processes race to create it. */
export async function ensureDatabase(adminServerUrl: string, name: string): Promise<void> {
  assertIdentifier('database name', name);
  await withPgClient(adminServerUrl, async (client) => {
    const existing = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (existing.rowCount) return;
    try {
      await client.query(`create database ${quote(name)}`);
    } catch (error) {
      // 42P04 duplicate_database; 23505 when the catalog's unique index catches the race first.
      if (pgCode(error) !== '42P04' && pgCode(error) !== '23505') throw error;
    }
  });
}

/** Drops the database, disconnecting anyone still using it. */
export async function dropDatabase(adminServerUrl: string, name: string): Promise<void> {
  assertIdentifier('database name', name);
  await withPgClient(adminServerUrl, (client) => client.query(`drop database if exists ${quote(name)} with (force)`));
}

export interface EnsureAppRoleOptions {
  /** Any URL on the server, as a role that may create roles. */
  readonly adminUrl: string;
  readonly role: string;
  /** Set (or reset) when given; local development relies on trust authentication instead. */
  readonly password?: string;
}

const UNPRIVILEGED = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls';

/**
 * Creates the service's runtime role: it can log in and nothing more. Roles are shared by the
 * whole server, so this is idempotent and tolerates concurrent callers.
 */
export async function ensureAppRole(options: EnsureAppRoleOptions): Promise<void> {
  assertIdentifier('role name', options.role);
  await withPgClient(options.adminUrl, async (client) => {
    const password = options.password === undefined ? '' : ` password ${client.escapeLiteral(options.password)}`;
    let created = false;
    try {
      await client.query(`create role ${quote(options.role)} with ${UNPRIVILEGED}${password}`);
      created = true;
    } catch (error) {
      // 42710 duplicate_object; 23505 when two creators race on the catalog's unique index.
      if (pgCode(error) !== '42710' && pgCode(error) !== '23505') throw error;
    }
    if (created) return;
    const { rows } = await client.query<{ drifted: boolean }>(
      `select (not rolcanlogin or rolsuper or rolcreatedb or rolcreaterole or rolreplication or rolbypassrls) as drifted
       from pg_roles where rolname = $1`,
      [options.role],
    );
    // Altering a role is not safe to race ("tuple concurrently updated"), so only when needed.
    if (rows[0]?.drifted || options.password !== undefined) {
      await retryConcurrentUpdate(() => client.query(`alter role ${quote(options.role)} with ${UNPRIVILEGED}${password}`));
    }
  });
}

async function retryConcurrentUpdate<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const concurrent = pgCode(error) === 'XX000' && /concurrently updated/.test(String((error as Error).message));
      if (!concurrent || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Gives the runtime role what a service needs at run time and nothing more: data access on the
 * tables the owner created, append-only access to the event store, no DDL, no ownership.
 * Run it as the owner after every migration: it also covers tables created later (default privileges).
 */
export async function grantAppRole(adminUrl: string, role: string): Promise<void> {
  assertIdentifier('role name', role);
  const database = databaseNameOf(adminUrl);
  const r = quote(role);
  await withPgClient(adminUrl, async (client) => {
    await client.query('begin');
    try {
      await client.query(`grant connect on database ${quote(database)} to ${r}`);
      await client.query(`grant usage on schema public to ${r}`);
      // TRUNCATE lets a projection rebuild empty its read model: unlike DELETE it is not limited to one pod by RLS.
      await client.query(`grant select, insert, update, delete, truncate on all tables in schema public to ${r}`);
      await client.query(`grant usage, select on all sequences in schema public to ${r}`);
      await client.query(`alter default privileges in schema public grant select, insert, update, delete, truncate on tables to ${r}`);
      await client.query(`alter default privileges in schema public grant usage, select on sequences to ${r}`);
      for (const table of APPEND_ONLY_TABLES) {
        if (await tableExists(client, table)) {
          await client.query(`revoke update, delete, truncate on ${quote(table)} from ${r}`);
        }
      }
      if (await tableExists(client, MIGRATIONS_TABLE)) {
        await client.query(`revoke insert, update, delete, truncate on ${quote(MIGRATIONS_TABLE)} from ${r}`);
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
    await assertAppRoleIsUnprivileged(client, role);
  });
}

async function tableExists(client: Client, table: string): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('select to_regclass($1) as found', [`public.${table}`]);
  return rows[0]?.found != null;
}

/**
 * Row-level security only holds when the runtime role is neither superuser, nor BYPASSRLS,
 * nor an owner (directly or through membership) of the tables it uses.
 */
export async function assertAppRoleIsUnprivileged(client: Client, role: string): Promise<void> {
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [role]);
  const attributes = rows[0];
  if (!attributes) throw new Error(`Role "${role}" does not exist`);
  if (attributes.rolsuper || attributes.rolbypassrls) {
    throw new Error(`Role "${role}" is a superuser or BYPASSRLS: row-level security would not apply to it`);
  }
  const owned = await client.query<{ relname: string }>(
    `select c.relname from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
       and pg_has_role($1, c.relowner, 'MEMBER')
     order by c.relname limit 5`,
    [role],
  );
  if (owned.rowCount) {
    const names = owned.rows.map((row) => row.relname).join(', ');
    throw new Error(`Role "${role}" owns ${names}: the runtime role must not own tables (migrations run as the owner)`);
  }
}

/**
 * SQL for a migration: from then on the table only shows and accepts rows of the pod set for the
 * current transaction (`inPodTransaction`), for every role including the table's owner.
 * With no pod set, nothing is visible.
 */
export function podRowLevelSecuritySql(table: string, podColumn = 'pod_id'): string {
  assertIdentifier('table name', table);
  assertIdentifier('column name', podColumn);
  const t = quote(table);
  const policy = quote(`${table.slice(0, 45)}_pod_isolation`);
  const samePod = `${quote(podColumn)} = nullif(current_setting('${POD_ID_SETTING}', true), '')::uuid`;
  return [
    `alter table ${t} enable row level security;`,
    `alter table ${t} force row level security;`,
    `drop policy if exists ${policy} on ${t};`,
    `create policy ${policy} on ${t} as permissive for all using (${samePod}) with check (${samePod});`,
  ].join('\n');
}
