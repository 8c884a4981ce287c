import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';

/**
 * A fixed number of permits, handed out in order; urgent waiters go before the others. Whoever holds one must never
 * wait for another (nor for a second database connection): that is what keeps it free of deadlock.
 */
export class Permits {
  private available: number;
  private readonly urgent: (() => void)[] = [];
  private readonly ordinary: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Permits need a positive whole size, got ${size}`);
    this.available = size;
  }

  async run<T>(work: () => Promise<T>, urgent = false): Promise<T> {
    await this.acquire(urgent);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Permits in use and waiters, for a look at the load. */
  get busy(): number {
    return this.size - this.available + this.urgent.length + this.ordinary.length;
  }

  private acquire(urgent: boolean): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => (urgent ? this.urgent : this.ordinary).push(resolve));
  }

  private release(): void {
    const next = this.urgent.shift() ?? this.ordinary.shift();
    if (next) next();
    else this.available++;
  }
}

/** The pool size MikroORM was configured with (knex's default is 10). */
export function poolMaxOf(em: EntityManager): number {
  return em.config.get('pool')?.max ?? 10;
}

/**
 * The database connections the delivery worker and its steps may hold at once: a third of the pool, so a burst of
 * sends never takes the connections readiness, event consumers, projections and GraphQL need. Each permit covers one
 * transaction, and nothing run under a permit asks the pool for a second connection.
 */
@Injectable()
export class WorkerConnections extends Permits {
  constructor(em: EntityManager) {
    super(Math.max(1, Math.floor(poolMaxOf(em) / 3)));
  }
}
