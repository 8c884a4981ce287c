import { withPgClient } from './postgres-admin';

/**
 * A table that carries a pod (`pod_id`), and whether row-level security keeps pods apart in it: enabled, forced (so
 * the owner obeys too) and with at least one policy (`podRowLevelSecuritySql` gives all three).
 */
export interface PodTable {
  readonly table: string;
  readonly isolated: boolean;
}

/** Every table in the public schema with a `pod_id` column, by name, as the database at `url` has them now. */
export async function podTables(url: string): Promise<PodTable[]> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ relname: string; isolated: boolean }>(
      `select c.relname,
              c.relrowsecurity and c.relforcerowsecurity and exists (select 1 from pg_policy p where p.polrelid = c.oid) as isolated
       from pg_class c
       join pg_attribute a on a.attrelid = c.oid and a.attname = 'pod_id' and not a.attisdropped
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       order by c.relname`,
    );
    return rows.map((row) => ({ table: row.relname, isolated: row.isolated }));
  });
}

/**
 * Tables every service has whose rows are not one pod's data. The event log holds every pod's events in one global
 * order: the projection runner, the outbox relay and cross-pod reactions read it across pods; code reads a pod's
 * streams by stream id, and the runtime role may only select and insert (append-only, see grantAppRole).
 */
export const SHARED_NOT_POD_DATA: Readonly<Record<string, string>> = {
  mutuo_events: 'the event log of every pod, read in global order by projections and the outbox relay',
  mutuo_parked_events:
    'events a projection could not apply, from any pod: the runner parks and retries them across pods in global order, as it reads the event log',
};

/**
 * What is wrong with a service's pod isolation: a table with `pod_id` that row-level security does not isolate and
 * that is not exempted (SHARED_NOT_POD_DATA, or `serviceNotPodData`: table → why its rows are not one pod's data), and an exemption that no longer
 * fits (the table is isolated now, or has no `pod_id`, or is gone). Empty when all is well.
 */
export async function podIsolationProblems(url: string, serviceNotPodData: Readonly<Record<string, string>>): Promise<string[]> {
  const notPodData = { ...SHARED_NOT_POD_DATA, ...serviceNotPodData };
  const tables = await podTables(url);
  const problems = tables
    .filter(({ table, isolated }) => !isolated && !notPodData[table])
    .map(({ table }) => `${table} has pod_id but no row-level security policy: add podRowLevelSecuritySql, or exempt it saying why its rows are not pod data`);
  for (const [table, reason] of Object.entries(notPodData)) {
    const found = tables.find((candidate) => candidate.table === table);
    if (!reason.trim()) problems.push(`${table} is exempted without a reason`);
    if (!found) problems.push(`${table} is exempted but has no pod_id column (or does not exist): drop the exemption`);
    else if (found.isolated) problems.push(`${table} is exempted but row-level security isolates it: drop the exemption`);
  }
  return problems;
}
