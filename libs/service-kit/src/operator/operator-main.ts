import { createInterface } from 'node:readline/promises';
import { ConfigError } from '@mutuo/platform';
import type { ServiceDefinition } from '../service-definition';
import { OperatorUsageError, type OperatorArguments, type OperatorCommandGroup, type OperatorIo } from './operator-command';
import { OPERATOR_COMMAND_GROUPS } from './operator-command-groups';

/** Splits `argv` into positional arguments and `--flag` / `--flag=value` options. */
export function parseOperatorArguments(argv: readonly string[]): OperatorArguments {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (const arg of argv) {
    if (arg.startsWith('--')) {
      const [name, ...value] = arg.slice(2).split('=');
      if (!name) throw new OperatorUsageError(`Malformed option "${arg}"`);
      flags[name] = value.length ? value.join('=') : true;
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

/** The terminal: answers come from stdin, and only an explicit "yes" confirms. */
export function terminalIo(): OperatorIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ask: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await prompt.question(`${question} Type "yes" to go on: `)).trim() === 'yes';
      } finally {
        prompt.close();
      }
    },
  };
}

export interface RunOperatorOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly io?: OperatorIo;
  readonly groups?: readonly OperatorCommandGroup[];
  /** Whether a person can answer a question; without one, actions that change data need `--yes`. */
  readonly interactive?: boolean;
}

/**
 * Runs one operator command for one service: `<group> <action> [arguments] [--yes]`. Resolves with the exit code;
 * never throws for a usage or configuration mistake (one line on stderr instead).
 */
export async function runOperatorCommand(definition: ServiceDefinition, argv: readonly string[], options: RunOperatorOptions = {}): Promise<number> {
  const io = options.io ?? terminalIo();
  const groups = options.groups ?? OPERATOR_COMMAND_GROUPS;
  try {
    const [groupName, actionName, ...rest] = argv;
    const group = groups.find((candidate) => candidate.name === groupName);
    if (!group) {
      io.err(usage(definition, groups));
      return groupName && groupName !== 'help' ? 2 : 0;
    }
    const action = group.actions.find((candidate) => candidate.name === actionName);
    if (!action) {
      io.err(`${definition.name} ${group.name}: ${group.summary}`);
      for (const known of group.actions) io.err(`  ${group.name} ${known.usage ?? known.name}  ${known.summary}`);
      return actionName ? 2 : 0;
    }
    const args = parseOperatorArguments(rest);
    if (action.changesData && args.flags['yes'] !== true) {
      const interactive = options.interactive ?? process.stdin.isTTY === true;
      if (!interactive) {
        io.err(`${definition.name} ${group.name} ${action.name} changes data: run it again with --yes to confirm`);
        return 2;
      }
      if (!(await io.ask(`${definition.name} ${group.name} ${action.name} changes data.`))) {
        io.err('Nothing changed.');
        return 2;
      }
    }
    return await action.run({ definition, env: options.env ?? process.env, io, args });
  } catch (error) {
    if (error instanceof OperatorUsageError || error instanceof ConfigError) {
      io.err(`${definition.name}: ${error.message}`);
      return 2;
    }
    io.err(`${definition.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Entry point of `services/<name>/src/operate.ts`. */
export function runOperatorMain(definition: ServiceDefinition): void {
  runOperatorCommand(definition, process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}

function usage(definition: ServiceDefinition, groups: readonly OperatorCommandGroup[]): string {
  const lines = [`usage: mutuo ${definition.name} <group> <action> [arguments] [--yes]`];
  for (const group of groups) lines.push(`  ${group.name.padEnd(14)} ${group.summary}`);
  return lines.join('\n');
}
