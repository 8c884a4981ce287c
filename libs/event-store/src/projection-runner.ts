import type { EntityManager } from '@mikro-orm/postgresql';
import { setTransactionPod } from './pod-scope';
import { PostgresEventStore } from './postgres-event-store';
import { pgErrorCode, query } from './sql';
import type { GlobalCheckpoint, StoredEvent } from './types';

/**
 * A read model fed from the service's own events. `apply` must be idempotent per event; the runner
 * also commits each batch together with its checkpoint, so an event is applied exactly once per checkpoint.
 */
export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Runs in the batch transaction with the event's pod set for row-level security. */
  apply(em: EntityManager, event: StoredEvent): Promise<void>;
  /**
   * Removes everything the projection wrote, before a rebuild from zero. Use TRUNCATE: it is not
   * filtered by row-level security, whereas a DELETE would only see the rows of the pod in scope.
   */
  reset(em: EntityManager): Promise<void>;
}

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (projection: string, error: unknown) => void;
}

export class ProjectionRebuildInProgress extends Error {
  constructor(readonly projection: string) {
    super(`Projection ${projection} is already being rebuilt`);
    this.name = 'ProjectionRebuildInProgress';
  }
}

interface CheckpointRow {
  transaction_id: string;
  global_position: string;
}

/**
 * Catches projections up with the event store. Each batch runs in one transaction that holds the
 * projection's checkpoint row lock (`for update skip locked`), so replicas never apply the same
 * batch twice, and a crash mid-batch rolls back both the read-model changes and the checkpoint.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeAgain = false;
  private stopped = true;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Wakes the runner now (e.g. after a local append) instead of at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Applies every event visible now to every projection, one batch of each in turn: under a sustained stream of
   * appends a busy projection must not keep the others (say, an inbox behind a broadcast's deliveries) waiting.
   */
  async catchUp(): Promise<void> {
    let behind = [...this.projections];
    while (behind.length > 0) {
      const progressed: Projection[] = [];
      for (const projection of behind) {
        if (await this.applyNextBatch(projection)) progressed.push(projection);
      }
      behind = progressed;
    }
  }

  /**
   * Empties the read model and its checkpoint, then replays all events. Only one rebuild of a
   * projection runs at a time (transaction advisory lock); the others get ProjectionRebuildInProgress.
   */
  async rebuild(name: string): Promise<void> {
    const projection = this.projections.find((candidate) => candidate.name === name);
    if (!projection) throw new Error(`Unknown projection ${name}`);
    await this.em.fork().transactional(async (tx) => {
      const [lock] = await query<{ locked: boolean }>(tx, 'select pg_try_advisory_xact_lock(hashtext(?)) as locked', [
        `mutuo.projection-rebuild:${name}`,
      ]);
      if (!lock?.locked) throw new ProjectionRebuildInProgress(name);
      await this.ensureCheckpoint(tx, name);
      // Waits for a batch in progress on another replica, then holds the checkpoint until the reset commits.
      await query(tx, 'select 1 from mutuo_projection_checkpoints where projection = ? for update', [name]);
      await projection.reset(tx);
      await query(
        tx,
        `update mutuo_projection_checkpoints set transaction_id = '0'::xid8, global_position = 0, updated_at = clock_timestamp()
         where projection = ?`,
        [name],
      );
    });
    while (await this.applyNextBatch(projection)) {
      // replay from zero
    }
  }

  async checkpointOf(name: string): Promise<GlobalCheckpoint> {
    const [row] = await query<CheckpointRow>(
      this.em.fork(),
      'select transaction_id::text, global_position::text from mutuo_projection_checkpoints where projection = ?',
      [name],
    );
    return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : { transactionId: '0', globalPosition: '0' };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.catchUp()
        .catch((error: unknown) => this.options.onError?.('*', error))
        .finally(() => {
          this.running = undefined;
          const again = this.wakeAgain;
          this.wakeAgain = false;
          this.schedule(again ? 0 : this.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /** Returns true when a full batch was applied (there may be more). */
  private async applyNextBatch(projection: Projection): Promise<boolean> {
    await this.ensureCheckpoint(this.em.fork(), projection.name);
    return this.em.fork().transactional(async (tx) => {
      const [row] = await query<CheckpointRow>(
        tx,
        `select transaction_id::text, global_position::text from mutuo_projection_checkpoints
         where projection = ? for update skip locked`,
        [projection.name],
      );
      if (!row) return false; // another replica is applying this projection right now
      const checkpoint = { transactionId: row.transaction_id, globalPosition: row.global_position };
      const { events, checkpoint: next } = await this.store.readAll(tx, checkpoint, {
        limit: this.batchSize,
        eventTypes: projection.eventTypes,
      });
      if (events.length === 0) return false;
      for (const event of events) {
        await setTransactionPod(tx, event.podId);
        await projection.apply(tx, event);
        // Flush per event: row-level security checks each row against the pod set right now.
        await tx.flush();
      }
      await query(
        tx,
        `update mutuo_projection_checkpoints set transaction_id = ?::xid8, global_position = ?, updated_at = clock_timestamp()
         where projection = ?`,
        [next.transactionId, next.globalPosition, projection.name],
      );
      return events.length === this.batchSize;
    });
  }

  private async ensureCheckpoint(em: EntityManager, name: string): Promise<void> {
    try {
      await query(em, 'insert into mutuo_projection_checkpoints (projection) values (?) on conflict do nothing', [name]);
    } catch (error) {
      if (pgErrorCode(error) !== '23505') throw error;
    }
  }
}
