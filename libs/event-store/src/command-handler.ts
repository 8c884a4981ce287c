import type { EntityManager } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent } from '@mutuo/domain';
import { StreamVersionConflict } from './errors';
import { createOnce, type IdempotentCall } from './idempotency/idempotency-keys';
import { PostgresEventStore } from './postgres-event-store';
import type { StoredEvent } from './types';

export interface CommandHandlerOptions {
  /** How many times a command is decided again after losing a race for the stream. */
  readonly maxAttempts?: number;
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
    const state = events.reduce((current, event) => this.decider.evolve(current, event as unknown as Evt), this.decider.initialState());
    return { state, version: currentVersion };
  }

  async handle(em: EntityManager, streamId: string, command: Cmd): Promise<HandledCommand<State>> {
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

  private async handleOnce(em: EntityManager, streamId: string, command: Cmd): Promise<HandledCommand<State>> {
    const { state, version } = await this.load(em, streamId);
    const decided = this.decider.decide(command, state);
    if (decided.length === 0) return { state, version, newEvents: [] };
    const { nextExpectedVersion, events } = await this.store.append(
      em,
      streamId,
      decided,
      version === 0 ? 'no_stream' : version,
    );
    const newState = decided.reduce((current, event) => this.decider.evolve(current, event), state);
    return { state: newState, version: nextExpectedVersion, newEvents: events };
  }
}
