import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../policy-settings';
import { NOTIFICATIONS_ACTOR } from './notification-dispatcher';
import { WorkerConnections } from './worker-connections';

/** The metadata of every command the worker gives in its own name. */
export function workerMetadata(now: Date, podId: string | null, causationId?: string): CommandMetadata {
  return { now: now.toISOString(), actorId: NOTIFICATIONS_ACTOR, ...(podId ? { podId } : {}), ...(causationId ? { causationId } : {}) };
}

/** The delivery worker's transactions, each on one of the worker's connections. */
@Injectable()
export class WorkerTransactions {
  constructor(
    private readonly em: EntityManager,
    private readonly connections: WorkerConnections,
  ) {}

  /** A read across pods. Urgent: one short query that finds what is due (codes among it) goes before queued sends. */
  scan<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    return this.connections.run(
      () =>
        this.em.fork().transactional(async (tx) => {
          await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
          return query<Row>(tx, sql, params);
        }),
      true,
    );
  }

  /** One transaction on one of the worker's connections; `work` must not ask for another (nor call inPod). */
  inPod<T>(podId: string | null, work: (tx: EntityManager) => Promise<T>, urgent = false): Promise<T> {
    return this.connections.run(
      () =>
        this.em.fork().transactional(async (tx) => {
          await setTransactionPod(tx, podId);
          return work(tx);
        }),
      urgent,
    );
  }
}
