import type { PendingEvent, PendingEventOf, TypedEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from './outbox-mapper';

/**
 * Which appended events leave the service, and as which integration event; null keeps an event internal. `Context`
 * is what the caller passes along with each event (a key to seal data with, say).
 */
export type Publication<Context extends readonly unknown[] = []> = (event: PendingEvent, ...context: Context) => IntegrationEventMapping | null;

/** One mapping per published event type, keyed by type: each receives the events of its own type, typed. */
export type PublicationHandlers<Event extends TypedEvent, Context extends readonly unknown[] = []> = {
  readonly [Type in Event['type']]?: (event: PendingEventOf<Extract<Event, { readonly type: Type }>>, ...context: Context) => IntegrationEventMapping | null;
};

/**
 * A publication from one mapping per event type of `Event`: an event whose type has no mapping stays internal. The
 * mapping is picked by the event's own type, so each receives the type it was declared for.
 */
export function definePublication<Event extends TypedEvent, Context extends readonly unknown[] = []>(
  handlers: PublicationHandlers<Event, Context>,
): Publication<Context> {
  // A mapping is only ever called with an event of its key's type: read as a mapping of any event, it is called soundly.
  const byType = new Map(Object.entries(handlers) as [string, Publication<Context>][]);
  return (event, ...context) => byType.get(event.type)?.(event, ...context) ?? null;
}

/** The first publication that publishes the event, in order; null when none does. */
export function firstPublication<Context extends readonly unknown[] = []>(...publications: readonly Publication<Context>[]): Publication<Context> {
  return (event, ...context) => {
    for (const publication of publications) {
      const mapping = publication(event, ...context);
      if (mapping) return mapping;
    }
    return null;
  };
}
