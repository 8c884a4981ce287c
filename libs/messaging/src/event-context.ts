import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who and what caused the work in progress while an event is handled, so commands issued by the
 * handler carry the event's correlation, name the event as their cause and keep its pod.
 */
export interface EventContext {
  readonly eventId: string;
  readonly eventType: string;
  readonly podId: string | null;
  readonly regionId: string;
  readonly correlationId: string;
  /** The handled event's id: the cause of whatever the handler does. */
  readonly causationId: string;
  readonly actorId: string;
  readonly consumer: string;
}

const storage = new AsyncLocalStorage<EventContext>();

export const eventContext = {
  run<T>(context: EventContext, work: () => T): T {
    return storage.run(context, work);
  },
  /** The context of the event being handled, if any. */
  get(): EventContext | undefined {
    return storage.getStore();
  },
  /** For code that only makes sense while handling an event. */
  require(): EventContext {
    const context = storage.getStore();
    if (!context) throw new Error('No event is being handled here (eventContext is empty)');
    return context;
  },
  /** The underlying storage, for bridging into another request-context implementation. */
  storage,
};
