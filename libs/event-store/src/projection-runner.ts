import type { EntityManager } from '@mikro-orm/postgresql';
import { setTransactionPod } from './pod-scope';
import { PostgresEventStore } from './postgres-event-store';
import { retryParkedEvents, type RetryParkedResult } from './projections/parked-event-retry';
import { describeError, parkedEvents, type ParkedEvent } from './projections/parked-events';
import { EventApplyFailure, FailureRateLimit, type ProjectionFailure } from './projections/projection-failure';
import { isTransientError } from './projections/transient-error';
import { pgErrorCode, query } from './sql';
import type { GlobalCheckpoint, StoredEvent } from './types';

export type { ParkedEvent, ParkReason } from './projections/parked-events';
export type { RetryParkedResult } from './projections/parked-event-retry';
export type { ProjectionFailure } from './projections/projection-failure';

/**
 * A read model fed from the service's own events. `apply` must be idempotent per event; the runner
 * also commits each batch together with its checkpoint, so an event is applied exactly once per checkpoint.
 */
export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /**
   * Runs in the batch transaction with the event's pod set for row-level security, with the event in its current
   * shape (the store's upcasters ran). Throwing parks the event (see ProjectionRunner), unless the error is transient.
   */
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
  /** Every failure, as it happens (for a counter). */
  readonly countFailure?: (failure: ProjectionFailure) => void;
  /** Failures to log: every parked event, and a projection's retries at most once per `failureReportIntervalMs`. */
  readonly reportFailure?: (failure: ProjectionFailure) => void;
  /** Default 30 s. */
  readonly failureReportIntervalMs?: number;
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
 *
 * Poison events: when `apply` throws for an event and the error is not transient (see isTransientError), the batch
 * is rolled back and run again with that event parked in mutuo_parked_events (with the error and its pod) instead of
 * applied; so one event nobody can apply never holds back the other pods. Order is kept per stream: a later event of
 * a stream with a parked event is parked behind it (`waiting-behind`), never applied before it. Other streams, of the
 * same pod too, go on. `retryParked` applies them, in stream order, after a fix (and `start` tries once). Transient
 * errors (connection, shutdown, serialization, deadlock) park nothing: the batch is retried at the next poll.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeAgain = false;
  private stopped = true;
  private readonly rateLimit: FailureRateLimit;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.rateLimit = new FailureRateLimit(options.failureReportIntervalMs ?? 30_000);
  }

  /** Starts polling; the first round retries the parked events once (a restart usually ships the fix). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0, () => this.retryAllParked());
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
    let firstError: unknown;
    while (behind.length > 0) {
      const progressed: Projection[] = [];
      for (const projection of behind) {
        // A projection whose batch fails waits for the next poll; the others go on.
        try {
          if (await this.applyNextBatch(projection)) progressed.push(projection);
        } catch (error) {
          firstError ??= error;
          this.failed(projection.name, error);
        }
      }
      behind = progressed;
    }
    if (firstError !== undefined) throw firstError;
  }

  /**
   * Empties the read model and its checkpoint, then replays all events. Only one rebuild of a
   * projection runs at a time (transaction advisory lock); the others get ProjectionRebuildInProgress.
   */
  async rebuild(name: string): Promise<void> {
    const projection = this.projectionNamed(name);
    await this.em.fork().transactional(async (tx) => {
      const [lock] = await query<{ locked: boolean }>(tx, 'select pg_try_advisory_xact_lock(hashtext(?)) as locked', [
        `mutuo.projection-rebuild:${name}`,
      ]);
      if (!lock?.locked) throw new ProjectionRebuildInProgress(name);
      await this.ensureCheckpoint(tx, name);
      // Waits for a batch in progress on another replica, then holds the checkpoint until the reset commits.
      await query(tx, 'select 1 from mutuo_projection_checkpoints where projection = ? for update', [name]);
      await projection.reset(tx);
      // The replay meets the parked events again: applied if they now can be, parked anew if not.
      await parkedEvents.removeAll(tx, name);
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

  /**
   * Applies the projection's parked events again after a fix, in stream order, and removes those that now apply.
   * Waits for a batch in progress on another replica; batches wait for it in turn.
   */
  async retryParked(name: string): Promise<RetryParkedResult> {
    const projection = this.projectionNamed(name);
    await this.ensureCheckpoint(this.em.fork(), name);
    const result = await this.em.fork().transactional(async (tx) => {
      await query(tx, 'select 1 from mutuo_projection_checkpoints where projection = ? for update', [name]);
      return retryParkedEvents(tx, this.store, name, (inner, event) => this.applyOne(inner, projection, event));
    });
    for (const failure of result.failures) this.failed(name, failure, 'parked');
    return result;
  }

  /** The projection's parked events, each stream's in order. */
  async parked(name: string): Promise<ParkedEvent[]> {
    return parkedEvents.list(this.em.fork(), this.projectionNamed(name).name);
  }

  /** Parked events per projection (projections with none are absent). */
  async parkedCounts(): Promise<Map<string, number>> {
    return parkedEvents.counts(this.em.fork());
  }

  /** Events of each projection's types that it has not reached yet. */
  async lag(): Promise<Map<string, number>> {
    const lags = new Map<string, number>();
    for (const projection of this.projections) {
      const [row] = await query<{ behind: number }>(
        this.em.fork(),
        `select count(*)::int as behind from mutuo_events e
         left join mutuo_projection_checkpoints c on c.projection = ?
         where (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
           and e.type in (select jsonb_array_elements_text(?::jsonb))`,
        [projection.name, JSON.stringify(projection.eventTypes)],
      );
      lags.set(projection.name, Number(row?.behind ?? 0));
    }
    return lags;
  }

  async checkpointOf(name: string): Promise<GlobalCheckpoint> {
    const [row] = await query<CheckpointRow>(
      this.em.fork(),
      'select transaction_id::text, global_position::text from mutuo_projection_checkpoints where projection = ?',
      [name],
    );
    return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : { transactionId: '0', globalPosition: '0' };
  }

  private projectionNamed(name: string): Projection {
    const projection = this.projections.find((candidate) => candidate.name === name);
    if (!projection) throw new Error(`Unknown projection ${name}`);
    return projection;
  }

  /** Retries each projection's parked events; a failure is reported and waits for the next retry. */
  private async retryAllParked(): Promise<void> {
    const counts = await this.parkedCounts().catch(() => new Map<string, number>());
    for (const projection of this.projections) {
      if (!counts.get(projection.name)) continue;
      await this.retryParked(projection.name).catch((error: unknown) => this.failed(projection.name, error));
    }
  }

  private schedule(delayMs: number, first?: () => Promise<void>): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // catchUp has reported each projection's failure already.
      this.running = (first ? first() : Promise.resolve())
        .then(() => this.catchUp())
        .catch(() => undefined)
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
    // Events found unappliable in this batch: it is rolled back and run again with them parked.
    const poisoned = new Map<string, EventApplyFailure>();
    for (;;) {
      try {
        const full = await this.applyBatch(projection, poisoned);
        for (const failure of poisoned.values()) {
          this.failed(projection.name, failure, 'parked');
        }
        return full;
      } catch (error) {
        const poison = error instanceof EventApplyFailure && !isTransientError(error.cause) && !poisoned.has(error.event.eventId);
        if (!poison || poisoned.size >= this.batchSize) throw error;
        poisoned.set(error.event.eventId, error);
      }
    }
  }

  private applyBatch(projection: Projection, poisoned: ReadonlyMap<string, EventApplyFailure>): Promise<boolean> {
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
      const blocked = await parkedEvents.blockedStreams(tx, projection.name, events.map((event) => event.streamId));
      for (const event of events) {
        const poison = poisoned.get(event.eventId);
        if (poison) {
          await parkedEvents.park(tx, projection.name, event, 'failed', describeError(poison.cause));
          blocked.add(event.streamId);
        } else if (blocked.has(event.streamId)) {
          await parkedEvents.park(tx, projection.name, event, 'waiting-behind', `Waits behind an earlier parked event of ${event.streamId}`);
        } else {
          await this.applyOne(tx, projection, event);
        }
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

  private async applyOne(tx: EntityManager, projection: Projection, event: StoredEvent): Promise<void> {
    try {
      await setTransactionPod(tx, event.podId);
      await projection.apply(tx, event);
      // Flush per event: row-level security checks each row against the pod set right now.
      await tx.flush();
    } catch (error) {
      throw new EventApplyFailure(projection.name, event, error);
    }
  }

  /** Counts every failure; reports parked events always, a projection's retries at most once per interval. */
  private failed(projection: string, error: unknown, outcome: ProjectionFailure['outcome'] = 'retrying'): void {
    const event = error instanceof EventApplyFailure ? error.event : undefined;
    const cause = error instanceof EventApplyFailure ? error.cause : error;
    const failure = { projection, error: cause, event, outcome, unreported: 0 };
    this.options.countFailure?.(failure);
    const unreported = outcome === 'parked' ? 0 : this.rateLimit.admit(projection);
    if (unreported !== undefined) this.options.reportFailure?.({ ...failure, unreported });
  }

  private async ensureCheckpoint(em: EntityManager, name: string): Promise<void> {
    try {
      await query(em, 'insert into mutuo_projection_checkpoints (projection) values (?) on conflict do nothing', [name]);
    } catch (error) {
      if (pgErrorCode(error) !== '23505') throw error;
    }
  }
}
