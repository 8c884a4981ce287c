import type { EntityManager } from '@mikro-orm/postgresql';
import type { PostgresEventStore } from '../postgres-event-store';
import { query } from '../sql';
import type { StoredEvent } from '../types';
import { describeError, parkedEvents, type ParkedEvent } from './parked-events';
import { EventApplyFailure } from './projection-failure';
import { isTransientError } from './transient-error';

export interface RetryParkedResult {
  /** Parked events applied and removed from the parked ones. */
  readonly applied: number;
  /** Still parked: failed again, or waiting behind one that did. */
  readonly stillParked: number;
  /** The errors of the events that failed again. */
  readonly failures: readonly EventApplyFailure[];
}

type ApplyOne = (tx: EntityManager, event: StoredEvent) => Promise<void>;

/**
 * Applies a projection's parked events again, each stream's in stream order, inside the caller's transaction (which
 * holds the projection's checkpoint, so no batch runs meanwhile). Each event gets a savepoint: one that fails again
 * is rolled back alone, keeps its place with the new error, and the rest of its stream stays parked behind it.
 * A transient error throws, so the whole retry rolls back and can simply be run again.
 */
export async function retryParkedEvents(tx: EntityManager, store: PostgresEventStore, projection: string, applyOne: ApplyOne): Promise<RetryParkedResult> {
  const parked = await parkedEvents.list(tx, projection);
  const streams = new Map<string, ParkedEvent[]>();
  for (const entry of parked) streams.set(entry.streamId, [...(streams.get(entry.streamId) ?? []), entry]);
  let applied = 0;
  const failures: EventApplyFailure[] = [];
  for (const [streamId, entries] of streams) {
    const { events } = await store.readStream(tx, streamId, entries[0]!.streamPosition - 1);
    const byId = new Map(events.map((event) => [event.eventId, event]));
    for (const entry of entries) {
      const event = byId.get(entry.eventId);
      if (!event) throw new Error(`Parked event ${entry.eventId} is no longer in ${streamId}`);
      await query(tx, 'savepoint mutuo_retry_parked');
      try {
        await applyOne(tx, event);
        await query(tx, 'release savepoint mutuo_retry_parked');
      } catch (error) {
        const failure = error instanceof EventApplyFailure ? error : new EventApplyFailure(projection, event, error);
        if (isTransientError(failure.cause)) throw failure;
        await query(tx, 'rollback to savepoint mutuo_retry_parked');
        // What the failed apply left in the unit of work was rolled back with the savepoint.
        tx.clear();
        await parkedEvents.recordFailedAttempt(tx, projection, entry.eventId, describeError(failure.cause));
        failures.push(failure);
        break;
      }
      await parkedEvents.remove(tx, projection, entry.eventId);
      applied++;
    }
  }
  return { applied, stillParked: parked.length - applied, failures };
}
