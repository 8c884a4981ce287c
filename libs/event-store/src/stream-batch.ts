import type { EntityManager } from '@mikro-orm/postgresql';
import type { Command, Decider, DomainEvent } from '@mutuo/domain';
import type { LoadedStream } from './command-handler';
import type { PostgresEventStore } from './postgres-event-store';
import type { StoredEvent } from './types';

/** What one command decided in a batch: its stream's state after it, and the events it added (none: nothing to do). */
export interface BatchDecision<State, Evt> {
  readonly state: State;
  readonly events: readonly Evt[];
}

/**
 * Commands on several streams read together (CommandHandler.loadBatch), decided in memory one after the other, each
 * against its stream's state as the batch left it, and appended together by `append`: in one transaction, at the
 * versions read, so a writer in between refuses the whole batch (StreamVersionConflict) instead of being decided twice.
 * A command the decider refuses throws before anything is written.
 */
export class StreamBatch<State, Cmd extends Command, Evt extends DomainEvent> {
  private readonly decided = new Map<string, Evt[]>();

  constructor(
    private readonly store: PostgresEventStore,
    private readonly decider: Decider<State, Cmd, Evt>,
    private readonly streams: Map<string, LoadedStream<State>>,
  ) {}

  /** The stream's state as the batch has left it so far (the initial state for a stream not read). */
  state(streamId: string): State {
    return this.streams.get(streamId)?.state ?? this.decider.initialState();
  }

  decide(streamId: string, command: Cmd): BatchDecision<State, Evt> {
    const current = this.streams.get(streamId) ?? { state: this.decider.initialState(), version: 0 };
    const events = this.decider.decide(command, current.state);
    if (events.length === 0) return { state: current.state, events };
    const state = events.reduce((next, event) => this.decider.evolve(next, event), current.state);
    this.streams.set(streamId, { state, version: current.version });
    this.decided.set(streamId, [...(this.decided.get(streamId) ?? []), ...events]);
    return { state, events };
  }

  /** Appends what the batch decided, stream by stream in the order first decided, in one transaction. */
  async append(em: EntityManager): Promise<StoredEvent[]> {
    const appends = [...this.decided].map(([streamId, events]) => {
      const version = this.streams.get(streamId)!.version;
      return { streamId, events, expectedVersion: version === 0 ? ('no_stream' as const) : version };
    });
    this.decided.clear();
    const results = await this.store.appendMany(em, appends);
    appends.forEach(({ streamId }, index) => this.streams.set(streamId, { state: this.state(streamId), version: results[index]!.nextExpectedVersion }));
    return results.flatMap((result) => result.events);
  }
}
