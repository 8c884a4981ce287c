import type { EntityManager } from '@mikro-orm/postgresql';
import { setTransactionPod } from '../pod-scope';
import type { PostgresEventStore } from '../postgres-event-store';
import type { StoredEvent } from '../types';
import { describeError, parkedEvents } from './parked-events';
import type { Projection } from './projection';
import { projectionCheckpoints } from './projection-checkpoints';
import { EventApplyFailure } from './projection-failure';

/**
 * Applies the next batch of the projection's events in `tx`, which then holds its checkpoint row: the events in
 * `poisoned` are parked instead (a later event of their stream parks behind them), and the checkpoint moves past the
 * batch. Returns true when a full batch was applied (there may be more); false when there was nothing to apply or
 * another replica is applying this projection right now.
 */
export async function applyProjectionBatch(
  tx: EntityManager,
  store: PostgresEventStore,
  projection: Projection,
  batchSize: number,
  poisoned: ReadonlyMap<string, EventApplyFailure>,
): Promise<boolean> {
  const checkpoint = await projectionCheckpoints.lockUnlessBusy(tx, projection.name);
  if (!checkpoint) return false;
  const { events, checkpoint: next } = await store.readAll(tx, checkpoint, { limit: batchSize, eventTypes: projection.eventTypes });
  if (events.length === 0) return false;
  const blocked = await parkedEvents.blockedStreams(
    tx,
    projection.name,
    events.map((event) => event.streamId),
  );
  for (const event of events) {
    const poison = poisoned.get(event.eventId);
    if (poison) {
      await parkedEvents.park(tx, projection.name, event, 'failed', describeError(poison.cause));
      blocked.add(event.streamId);
    } else if (blocked.has(event.streamId)) {
      await parkedEvents.park(tx, projection.name, event, 'waiting-behind', `Waits behind an earlier parked event of ${event.streamId}`);
    } else {
      await applyProjectedEvent(tx, projection, event);
    }
  }
  await projectionCheckpoints.move(tx, projection.name, next);
  return events.length === batchSize;
}

/** Applies one event with its pod in scope; any failure comes out as EventApplyFailure, carrying the event. */
export async function applyProjectedEvent(tx: EntityManager, projection: Projection, event: StoredEvent): Promise<void> {
  try {
    await setTransactionPod(tx, event.podId);
    await projection.apply(tx, event);
    // Flush per event: row-level security checks each row against the pod set right now.
    await tx.flush();
  } catch (error) {
    throw new EventApplyFailure(projection.name, event, error);
  }
}
