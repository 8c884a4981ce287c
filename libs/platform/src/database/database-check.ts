import type { MikroORM } from '@mikro-orm/core';

/** A readiness check that the database answers a trivial query. */
export function databaseCheck(orm: Pick<MikroORM, 'em'>): () => Promise<void> {
  return async () => {
    await orm.em.getConnection().execute('select 1');
  };
}
