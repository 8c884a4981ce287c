import type { StoredEvent } from '../types';

/** A projection could not apply an event, or could not run a batch at all. */
export interface ProjectionFailure {
  readonly projection: string;
  readonly error: unknown;
  /** The event being applied; absent when reading events or moving the checkpoint failed. */
  readonly event?: StoredEvent;
  /** `parked`: the event was set aside and the projection went on; `retrying`: the batch runs again at the next poll. */
  readonly outcome: 'parked' | 'retrying';
  /** Failures of this projection since the previous report that were not reported (the report is rate-limited). */
  readonly unreported: number;
}

/** Thrown out of a batch when `apply` failed: carries the event so the runner can park it or report it. */
export class EventApplyFailure extends Error {
  constructor(
    readonly projection: string,
    readonly event: StoredEvent,
    override readonly cause: unknown,
  ) {
    super(`Projection ${projection} could not apply ${event.type} ${event.eventId} (${event.streamId}@${event.streamPosition})`);
    this.name = 'EventApplyFailure';
  }
}

/**
 * Lets through the first failure of a projection, then at most one per interval with the count of those held back:
 * a projection retrying every poll must be visible in the log without flooding it.
 */
export class FailureRateLimit {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(private readonly intervalMs: number) {}

  /** The number held back since the last report when this one is to be reported, else undefined. */
  admit(projection: string, now = Date.now()): number | undefined {
    const entry = this.last.get(projection);
    if (entry && now - entry.at < this.intervalMs) {
      entry.held++;
      return undefined;
    }
    this.last.set(projection, { at: now, held: 0 });
    return entry?.held ?? 0;
  }
}
