import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics';

/** The part of tarn's pool (knex's) that says how busy it is. */
interface TarnPool {
  readonly max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/**
 * The database connection pool as gauges, read at each scrape from knex's tarn pool (MikroORM 6 reaches it through
 * `em.getConnection().getKnex().client.pool`): connections in use, idle, the pool's size limit, and callers waiting
 * for a connection. Waiting callers while in-use equals the limit is an exhausted pool.
 */
export function databasePoolMetrics(registry: MetricsRegistry, orm: MikroORM): void {
  // Reads the pool's counters only; no SQL goes through knex here.
  // eslint-disable-next-line no-restricted-properties
  const pool = (): TarnPool | undefined => (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  const gauge = (name: string, help: string, read: (pool: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = pool();
        // No pool while the ORM is closed (shutting down): report an empty one rather than fail the scrape.
        this.set(current ? read(current) : 0);
      },
    });
  gauge('mutuo_db_pool_connections_used', 'Database connections of the pool in use', (current) => current.numUsed());
  gauge('mutuo_db_pool_connections_free', 'Database connections of the pool open and idle', (current) => current.numFree());
  gauge('mutuo_db_pool_connections_max', 'Largest number of connections the pool opens', (current) => current.max);
  gauge('mutuo_db_pool_pending_acquires', 'Callers waiting for a database connection from the pool', (current) => current.numPendingAcquires());
  gauge('mutuo_db_pool_pending_creates', 'Database connections the pool is opening', (current) => current.numPendingCreates());
}
