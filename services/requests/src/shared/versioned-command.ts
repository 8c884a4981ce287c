import type { EntityManager } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent, DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, StreamVersionConflict } from '@mutuo/event-store';

/** The caller decided on a version of the stream that is no longer the latest. */
export function reloadConflict(what: string): DomainRuleViolation {
  return new DomainRuleViolation('VERSION_CONFLICT', `This ${what} was changed by someone else since you loaded it: reload it and try again`, 'expectedVersion');
}

/**
 * Decides a command against exactly the version the caller saw. Unlike CommandHandler.handle, a lost race is not
 * retried: of two concurrent edits exactly one wins, the other gets VERSION_CONFLICT and nothing is written.
 */
export async function handleAtVersion<State, Cmd extends Command, Evt extends DomainEvent>(
  em: EntityManager,
  store: PostgresEventStore,
  decider: Decider<State, Cmd, Evt>,
  streamId: string,
  expectedVersion: number,
  command: Cmd,
  what: string,
): Promise<{ state: State; version: number }> {
  const loader = new CommandHandler(store, decider);
  const { state, version } = await loader.load(em, streamId);
  if (version !== expectedVersion) throw reloadConflict(what);
  const decided = decider.decide(command, state);
  if (decided.length === 0) return { state, version };
  try {
    const { nextExpectedVersion } = await store.append(em, streamId, decided, version === 0 ? 'no_stream' : version);
    return { state: decided.reduce((current, event) => decider.evolve(current, event), state), version: nextExpectedVersion };
  } catch (error) {
    if (error instanceof StreamVersionConflict) throw reloadConflict(what);
    throw error;
  }
}
