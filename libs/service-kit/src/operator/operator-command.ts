import type { ServiceDefinition } from '../service-definition';

/** What an operator command prints to and reads from: the terminal in production, buffers in tests. */
export interface OperatorIo {
  /** One line of the command's result (stdout). */
  out(line: string): void;
  /** One line of progress or warning (stderr). */
  err(line: string): void;
  /** Asks a yes/no question; resolves true only on an explicit "yes". Never called when `--yes` was given. */
  ask(question: string): Promise<boolean>;
}

/** The parsed command line after the group and action: positional arguments and `--flag[=value]` options. */
export interface OperatorArguments {
  readonly positional: readonly string[];
  readonly flags: Readonly<Record<string, string | true>>;
}

export interface OperatorContext {
  readonly definition: ServiceDefinition;
  /** The environment the service itself would start with (production configuration in production). */
  readonly env: NodeJS.ProcessEnv;
  readonly io: OperatorIo;
  readonly args: OperatorArguments;
}

/**
 * One action of the operator command line, such as `migrations apply`. Actions that change data set `changesData`:
 * the dispatcher then asks for confirmation, or requires `--yes` when no terminal is attached.
 */
export interface OperatorAction {
  readonly name: string;
  readonly summary: string;
  readonly usage?: string;
  readonly changesData: boolean;
  /** Resolves with the process exit code (0 success, 1 failure, 2 refused or bad usage). */
  run(context: OperatorContext): Promise<number>;
}

/** A group of actions: `migrations`, `streams`, `dead-letters`, `projections`, `relay`. */
export interface OperatorCommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly actions: readonly OperatorAction[];
}

/** A usage mistake: printed as one line with exit code 2. */
export class OperatorUsageError extends Error {}
