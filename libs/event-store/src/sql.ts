import type { EntityManager, Knex } from '@mikro-orm/postgresql';

export interface QueryOptions {
  /**
   * Runs the statement as a named prepared statement, planned once per connection. Only for statements
   * whose text never changes. (Needs session pooling: PgBouncer in transaction mode cannot keep them.)
   */
  readonly preparedAs?: string;
}

/**
 * Runs SQL on the EntityManager's connection, joining its transaction when it is in one, so event-store
 * statements commit together with read models. Placeholders are `?`; the values travel as bound
 * parameters (never inlined into the text), so large JSON costs no escaping and PostgreSQL can
 * reuse plans. Pass lists as JSON strings: knex would expand an array binding into a list.
 */
export async function query<Row = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
  options: QueryOptions = {},
): Promise<Row[]> {
  const statement = em.getKnex().raw(sql, params as readonly Knex.RawBinding[]);
  if (options.preparedAs) statement.options({ name: options.preparedAs });
  const transaction = em.getTransactionContext();
  if (transaction) statement.transacting(transaction);
  const result = (await statement) as { rows: Row[] };
  return result.rows;
}

/**
 * Calls `listener` with the text of every statement run on the EntityManager's connection pool (BEGIN and
 * COMMIT included) until the returned function is called; for tests that compare what two paths execute.
 * Lives here so that the driver beneath MikroORM is reached from this one file.
 */
export function onStatement(em: EntityManager, listener: (sql: string) => void): () => void {
  const knex = em.getKnex();
  const forward = (data: { sql: string }) => listener(data.sql);
  knex.on('query', forward);
  return () => {
    knex.off('query', forward);
  };
}

/** PostgreSQL error code of a driver error, if any. */
export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a unique or check violation names, if any. */
export function pgConstraint(error: unknown): string | undefined {
  const candidate = error as { constraint?: unknown; cause?: { constraint?: unknown } } | null;
  const constraint = candidate?.constraint ?? candidate?.cause?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
