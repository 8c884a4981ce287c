import { Command, Decider, DomainEvent, foldEvents } from './decider';

/**
 * Given/when/then for deciders, framework-agnostic: it throws on a mismatch,
 * so it works inside any test runner.
 *
 *   spec(requestDecider).given([posted]).when(cancel).then([cancelled]);
 *   spec(requestDecider).given([cancelled]).when(cancel).thenThrows(DomainRuleViolation, /already cancelled/);
 */
export function spec<State, Cmd extends Command, Evt extends DomainEvent>(decider: Decider<State, Cmd, Evt>) {
  return {
    given(history: readonly Evt[]) {
      return {
        when(command: Cmd) {
          const run = () => decider.decide(command, foldEvents(decider, history));
          return {
            then(expected: readonly Evt[]): Evt[] {
              const actual = run();
              assertDeepEqual(actual, expected);
              return actual;
            },
            thenThrows(errorType: new (...args: never[]) => Error, message?: RegExp): Error {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              if (!(thrown instanceof errorType)) {
                throw new Error(`Expected ${errorType.name} to be thrown, got ${describe(thrown)}`);
              }
              if (message && !message.test(thrown.message)) {
                throw new Error(`Expected error message to match ${message}, got "${thrown.message}"`);
              }
              return thrown;
            },
          };
        },
        /** The state after the history, for assertions about `evolve`. */
        state(): State {
          return foldEvents(decider, history);
        },
      };
    },
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return JSON.stringify(value);
}

function assertDeepEqual(actual: unknown, expected: unknown): void {
  const a = stableStringify(actual);
  const e = stableStringify(expected);
  if (a !== e) {
    throw new Error(`Events differ.\nExpected: ${e}\nActual:   ${a}`);
  }
}

function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
