/**
 * Pure building blocks for event-sourced domain code (in the style of emmett):
 * a command is decided against the current state into past-tense events, and
 * state is rebuilt by folding events with `evolve`. Nothing here does I/O.
 */

/** Who did something, when, and on behalf of which pod. Always supplied by the caller, never read from a clock. */
export interface CommandMetadata {
  /** The moment the command is handled, as an ISO-8601 string. */
  readonly now: string;
  /** The authenticated actor (person id, or a system actor such as `system:matching`). */
  readonly actorId: string;
  /** The pod the command acts in; absent only for region- or operator-level commands. */
  readonly podId?: string;
  readonly regionId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

export interface DomainEventMetadata {
  readonly occurredAt: string;
  readonly actorId: string;
  readonly podId?: string;
  readonly regionId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: DomainEventMetadata;
}

export interface Decider<State, Cmd extends Command, Evt extends DomainEvent> {
  decide(command: Cmd, state: State): Evt[];
  evolve(state: State, event: Evt): State;
  initialState(): State;
}

/** Events carry the command's time, actor and pod, so handlers never reach for a clock. */
export function eventMetadataFrom(metadata: CommandMetadata): DomainEventMetadata {
  return {
    occurredAt: metadata.now,
    actorId: metadata.actorId,
    podId: metadata.podId,
    regionId: metadata.regionId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
  };
}

export function foldEvents<State, Evt extends DomainEvent>(
  decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState'>,
  events: readonly Evt[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** A command that breaks a business rule. `field` names the input at fault when there is one. */
export class DomainRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}

/** For exhaustive `switch` statements: the compiler proves this is never reached. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
