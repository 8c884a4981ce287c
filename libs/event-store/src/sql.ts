import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs SQL through a MikroORM EntityManager so that event-store statements join whatever
 * transaction the caller's EntityManager is in (read models, outbox and events commit together).
 * Placeholders are `?` (knex style); pass lists as JSON, because knex expands array bindings.
 */
export async function query<Row = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  return (await em.execute(sql, params as unknown[], 'all')) as Row[];
}

/** PostgreSQL error code of a driver error, if any. */
export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
