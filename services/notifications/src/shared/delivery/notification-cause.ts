import { commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import type { Clock } from '@mutuo/service-kit';
import { NOTIFICATIONS_ACTOR, type NotificationCause } from './notification-dispatcher';

/** The cause of notifications about an integration event, timed by the service clock. */
export function causeOf(event: ReceivedEvent, clock: Clock, podId: string | null = event.podId): NotificationCause {
  return { eventId: event.id, podId, metadata: { ...commandMetadataForEvent(event, NOTIFICATIONS_ACTOR, clock.now()), ...(podId ? { podId } : {}) } };
}
