import type { EntityManager } from '@mikro-orm/postgresql';
import type { PendingEvent, StoredEvent } from '../types';
import type { ProjectionFailure } from './projection-failure';

/**
 * A read model fed from the service's own events. `apply` must be idempotent per event; the runner
 * also commits each batch together with its checkpoint, so an event is applied exactly once per checkpoint.
 * Declare one with defineProjection, which types the events `apply` receives.
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

/** An event as a decider declares it: a type tag and the data that type carries. */
export interface TypedEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * A stored event of one of the types of `Event`, with that type's data: a switch on `type` narrows `data`.
 * Distributes over the union, so each member keeps its own pairing of type and data.
 */
export type StoredEventOf<Event extends TypedEvent> = Event extends TypedEvent
  ? Omit<StoredEvent, 'type' | 'data'> & { readonly type: Event['type']; readonly data: Event['data'] }
  : never;

/** An event about to be appended, of one of the types of `Event` (see StoredEventOf). */
export type PendingEventOf<Event extends TypedEvent> = Event extends TypedEvent
  ? Omit<PendingEvent, 'type' | 'data'> & { readonly type: Event['type']; readonly data: Event['data'] }
  : never;

export interface ProjectionDefinition<Event extends TypedEvent> {
  readonly name: string;
  /** The types the runner reads for this projection; each must be one of `Event`'s. */
  readonly eventTypes: readonly Event['type'][];
  /** As Projection.apply, with the event typed by its `type`. */
  apply(em: EntityManager, event: StoredEventOf<Event>): Promise<void>;
  reset(em: EntityManager): Promise<void>;
}

/** A projection declared with defineProjection: it knows the events it takes. */
export interface TypedProjection<Event extends TypedEvent> extends Projection {
  readonly eventTypes: readonly Event['type'][];
  /** Whether the event is of one of `eventTypes` (and so one of `Event`). */
  takes<Candidate extends TypedEvent>(event: Candidate): event is Candidate & Event;
}

/**
 * A projection whose `apply` receives its events typed: the runner reads only `eventTypes`, and each event is checked
 * against them before `apply` sees it, so the types hold without a cast in the projection.
 */
export function defineProjection<Event extends TypedEvent>(definition: ProjectionDefinition<Event>): TypedProjection<Event> {
  const { name, eventTypes } = definition;
  const known = new Set<string>(eventTypes);
  const takes = <Candidate extends TypedEvent>(event: Candidate): event is Candidate & Event => known.has(event.type);
  const isProjected = (event: StoredEvent): event is StoredEvent & StoredEventOf<Event> => known.has(event.type);
  return {
    name,
    eventTypes,
    takes,
    async apply(em, event) {
      if (!isProjected(event)) throw new Error(`Projection ${name} does not apply ${event.type}`);
      await definition.apply(em, event);
    },
    reset: (em) => definition.reset(em),
  };
}

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  /** Pause between polls while events come. Default 250 ms; `nudge()` wakes the runner at once. */
  readonly pollIntervalMs?: number;
  /**
   * The longest pause once idle (see IdlePolling): set it when appends wake the runner (AppendListener). Default
   * `pollIntervalMs`: polling never slows down.
   */
  readonly idlePollIntervalMs?: number;
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
