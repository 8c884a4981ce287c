import { deadLettersCommand } from './dead-letters.command';
import { migrationsCommand } from './migrations.command';
import type { OperatorCommandGroup } from './operator-command';
import { projectionsCommand } from './projections.command';
import { relayCommand } from './relay.command';
import { streamsCommand } from './streams.command';

/**
 * Every group of the operator command line, in the order `help` lists them. Each group lives in its own file
 * (`<group>.command.ts`) in this folder.
 */
export const OPERATOR_COMMAND_GROUPS: readonly OperatorCommandGroup[] = [
  migrationsCommand,
  streamsCommand,
  relayCommand,
  projectionsCommand,
  deadLettersCommand,
];
