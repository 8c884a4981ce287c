import type { EntityManager } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent } from '@mutuo/domain';
import { StreamVersionConflict } from './errors';
import { createOnce, type IdempotentCall } from './idempotency/idempotency-keys';
import { PostgresEventStore } from './postgres-event-store';
import { StreamBatch } from './stream-batch';
import { eventStoreTracer } from './tracing/event-store-tracing';
import { inSpan } from './tracing/spans';
import type { StoredEvent } from './types';

export interface CommandHandlerOptions {
  /** How many times a command is decided again after losing a race for the stream. */
  readonly maxAttempts?: number;
}

/** A stream's state and the version it was read at (0: no stream yet). */
export interface LoadedStream<State> {
  readonly state: State;
  readonly version: number;
}

/**
 * How one command is handled. By default the stream is read, and a lost race for it decides the command again against
 * the new state. Each option below turns the retry off: a lost race then throws StreamVersionConflict, and inside a
 * caller's transaction no savepoint is taken, so the failed append fails that transaction too.
 */
export interface HandleOptions<State> {
  /** The version the caller saw (an edit of what they loaded): the stream at another one throws StreamVersionConflict before deciding. */
  readonly expectedVersion?: number;
  /** The stream as the caller already read it in this transaction: decided against without reading it again. */
  readonly loaded?: LoadedStream<State>;
  /** The stream is known (read in this transaction) not to exist yet: decided from the initial state without reading it. */
  readonly startIfNew?: boolean;
  /** false: a lost race throws StreamVersionConflict instead of deciding again. */
  readonly retryOnConflict?: boolean;
}

export interface HandledCommand<State> {
  readonly state: State;
  readonly version: number;
  readonly newEvents: StoredEvent[];
}

export interface CreatedByCommand<State> extends HandledCommand<State> {
  /** The new thing's id: the one the first call with the same idempotency key created, on a retry. */
  readonly id: string;
}

/**
 * Load → decide → append, with optimistic concurrency: when another writer appended first,
 * the stream is read again and the command decided against the new state, a bounded number of times.
 */
export class CommandHandler<State, Cmd extends Command, Evt extends DomainEvent> {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<State, Cmd, Evt>,
    options: CommandHandlerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  async load(em: EntityManager, streamId: string): Promise<{ state: State; version: number }> {
    const { events, currentVersion } = await this.store.readStream(em, streamId);
    return { state: this.fold(events), version: currentVersion };
  }

  /** Several streams in one query, each as `load` reads it; a stream with no events is there too, at version 0. */
  async loadMany(em: EntityManager, streamIds: readonly string[]): Promise<Map<string, LoadedStream<State>>> {
    const streams = await this.store.readStreams(em, streamIds);
    return new Map(
      streamIds.map((streamId) => {
        const events = streams.get(streamId) ?? [];
        return [streamId, { state: this.fold(events), version: events.length > 0 ? events[events.length - 1]!.streamPosition : 0 }];
      }),
    );
  }

  /** Several streams read in one query, to decide commands on in memory and append together (see StreamBatch). */
  async loadBatch(em: EntityManager, streamIds: readonly string[]): Promise<StreamBatch<State, Cmd, Evt>> {
    return new StreamBatch(this.store, this.decider, await this.loadMany(em, streamIds));
  }

  async handle(em: EntityManager, streamId: string, command: Cmd, options: HandleOptions<State> = {}): Promise<HandledCommand<State>> {
    const attributes = { 'mutuo.command.type': command.type, 'mutuo.stream_id': streamId };
    return inSpan(eventStoreTracer(), { name: `handle ${command.type}`, attributes }, async (span) => {
      const handled = await this.handleInSpan(em, streamId, command, options);
      span.setAttributes({ 'mutuo.stream_version': handled.version, 'mutuo.events_appended': handled.newEvents.length });
      return handled;
    });
  }

  private async handleInSpan(em: EntityManager, streamId: string, command: Cmd, options: HandleOptions<State>): Promise<HandledCommand<State>> {
    const known = options.loaded ?? (options.startIfNew ? { state: this.decider.initialState(), version: 0 } : undefined);
    if (known) return this.decideAndAppend(em, streamId, command, known);
    if (options.expectedVersion !== undefined || options.retryOnConflict === false) {
      return this.handleOnce(em, streamId, command, options.expectedVersion);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // Inside a caller's transaction a failed insert would abort it: a savepoint keeps the retry possible.
        return em.isInTransaction()
          ? await em.transactional((savepoint) => this.handleOnce(savepoint, streamId, command))
          : await this.handleOnce(em, streamId, command);
      } catch (error) {
        if (error instanceof StreamVersionConflict && attempt < this.maxAttempts) continue;
        throw error;
      }
    }
  }

  /**
   * A command that creates a new stream, at most once per idempotency key (see `createOnce`): a retry with the same
   * key and input gets the stream the first call created (its current state, no new events) instead of a second one.
   */
  async create(
    em: EntityManager,
    call: IdempotentCall,
    streamOf: (id: string) => string,
    commandFor: (id: string) => Cmd,
    newId?: () => string,
  ): Promise<CreatedByCommand<State>> {
    return createOnce(
      em,
      call,
      {
        create: async (tx, id) => ({ id, ...(await this.handle(tx, streamOf(id), commandFor(id))) }),
        replay: async (tx, id) => ({ id, ...(await this.load(tx, streamOf(id))), newEvents: [] }),
      },
      newId,
    );
  }

  /** A stream's state from its stored events (read back as this decider's own events). */
  private fold(events: readonly StoredEvent[]): State {
    return events.reduce((current, event) => this.decider.evolve(current, event as unknown as Evt), this.decider.initialState());
  }

  private async handleOnce(em: EntityManager, streamId: string, command: Cmd, expectedVersion?: number): Promise<HandledCommand<State>> {
    const loaded = await this.load(em, streamId);
    if (expectedVersion !== undefined && loaded.version !== expectedVersion) {
      throw new StreamVersionConflict(streamId, expectedVersion, loaded.version);
    }
    return this.decideAndAppend(em, streamId, command, loaded);
  }

  private async decideAndAppend(em: EntityManager, streamId: string, command: Cmd, { state, version }: LoadedStream<State>): Promise<HandledCommand<State>> {
    const decided = this.decider.decide(command, state);
    if (decided.length === 0) return { state, version, newEvents: [] };
    const { nextExpectedVersion, events } = await this.store.append(em, streamId, decided, version === 0 ? 'no_stream' : version);
    const newState = decided.reduce((current, event) => this.decider.evolve(current, event), state);
    return { state: newState, version: nextExpectedVersion, newEvents: events };
  }
}
