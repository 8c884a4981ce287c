import type { EntityManager } from '@mikro-orm/postgresql';
import { PostgresEventStore } from './postgres-event-store';
import { retryParkedEvents, type RetryParkedResult } from './projections/parked-event-retry';
import { parkedEvents, type ParkedEvent } from './projections/parked-events';
import { ProjectionRebuildInProgress, type Projection, type ProjectionRunnerOptions } from './projections/projection';
import { applyProjectedEvent, applyProjectionBatch } from './projections/projection-batch';
import { projectionCheckpoints, type ProjectionLag } from './projections/projection-checkpoints';
import { IdlePolling } from './idle-polling';
import { EventApplyFailure, FailureRateLimit, type ProjectionFailure } from './projections/projection-failure';
import { isTransientError } from './projections/transient-error';
import { query } from './sql';
import { START_OF_ALL, type GlobalCheckpoint } from './types';

export * from './projections/projection';
export type { ParkedEvent, ParkReason } from './projections/parked-events';
export type { RetryParkedResult } from './projections/parked-event-retry';
export type { ProjectionFailure } from './projections/projection-failure';

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
  private readonly polling: IdlePolling;
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
    const pollIntervalMs = options.pollIntervalMs ?? 250;
    this.polling = new IdlePolling({ intervalMs: pollIntervalMs, idleIntervalMs: options.idlePollIntervalMs });
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
    this.polling.activity();
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
    // Most polls find nothing: one statement says which projections have anything to read, and only those open a
    // batch transaction (an idle service then makes one query per poll, not several per projection).
    // Should that statement fail, every projection tries, and reports its own failure as before.
    const readable = await projectionCheckpoints.withReadableEvents(this.em.fork(), this.projections).catch(() => undefined);
    let behind = readable ? this.projections.filter((projection) => readable.has(projection.name)) : [...this.projections];
    let firstError: unknown;
    while (behind.length > 0) {
      const progressed: Projection[] = [];
      for (const projection of behind) {
        // A projection whose batch fails waits for the next poll; the others go on.
        try {
          if (await this.applyNextBatch(projection)) progressed.push(projection);
        } catch (error) {
          this.polling.activity();
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
      const [lock] = await query<{ locked: boolean }>(tx, 'select pg_try_advisory_xact_lock(hashtext(?)) as locked', [`mutuo.projection-rebuild:${name}`]);
      if (!lock?.locked) throw new ProjectionRebuildInProgress(name);
      await projectionCheckpoints.ensure(tx, name);
      // Waits for a batch in progress on another replica, then holds the checkpoint until the reset commits.
      await projectionCheckpoints.lock(tx, name);
      await projection.reset(tx);
      // The replay meets the parked events again: applied if they now can be, parked anew if not.
      await parkedEvents.removeAll(tx, name);
      await projectionCheckpoints.move(tx, name, START_OF_ALL);
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
    await projectionCheckpoints.ensure(this.em.fork(), name);
    const result = await this.em.fork().transactional(async (tx) => {
      await projectionCheckpoints.lock(tx, name);
      return retryParkedEvents(tx, this.store, name, (inner, event) => applyProjectedEvent(inner, projection, event));
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
      lags.set(projection.name, await projectionCheckpoints.eventsBehind(this.em.fork(), projection.name, projection.eventTypes));
    }
    return lags;
  }

  /** Per projection: events not reached yet and the age of the oldest of them (seconds behind). */
  async lagWithAge(): Promise<Map<string, ProjectionLag>> {
    const lags = new Map<string, ProjectionLag>();
    for (const projection of this.projections) {
      lags.set(projection.name, await projectionCheckpoints.behind(this.em.fork(), projection.name, projection.eventTypes));
    }
    return lags;
  }

  async checkpointOf(name: string): Promise<GlobalCheckpoint> {
    return projectionCheckpoints.read(this.em.fork(), name);
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
          this.schedule(again ? 0 : this.polling.nextDelayMs());
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /** Returns true when a full batch was applied (there may be more). */
  private async applyNextBatch(projection: Projection): Promise<boolean> {
    await projectionCheckpoints.ensure(this.em.fork(), projection.name);
    // Events found unappliable in this batch: it is rolled back and run again with them parked.
    const poisoned = new Map<string, EventApplyFailure>();
    for (;;) {
      try {
        const full = await this.em.fork().transactional((tx) => applyProjectionBatch(tx, this.store, projection, this.batchSize, poisoned));
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

  /** Counts every failure; reports parked events always, a projection's retries at most once per interval. */
  private failed(projection: string, error: unknown, outcome: ProjectionFailure['outcome'] = 'retrying'): void {
    const event = error instanceof EventApplyFailure ? error.event : undefined;
    const cause = error instanceof EventApplyFailure ? error.cause : error;
    const failure = { projection, error: cause, event, outcome, unreported: 0 };
    this.options.countFailure?.(failure);
    const unreported = outcome === 'parked' ? 0 : this.rateLimit.admit(projection);
    if (unreported !== undefined) this.options.reportFailure?.({ ...failure, unreported });
  }
}
