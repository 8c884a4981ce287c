import type { CommandMetadata } from '@mutuo/domain';
import type { ReceivedEvent } from './received-event';

/**
 * Metadata for a command a service issues in reaction to an event: done by the service's own actor,
 * in the event's pod and correlation, caused by the event.
 */
export function commandMetadataForEvent(event: ReceivedEvent, actorId: string, now: Date = new Date()): CommandMetadata {
  return {
    now: now.toISOString(),
    actorId,
    ...(event.podId ? { podId: event.podId } : {}),
    regionId: event.regionId,
    correlationId: event.correlationId,
    causationId: event.id,
  };
}
