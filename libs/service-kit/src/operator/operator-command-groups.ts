import type { OperatorCommandGroup } from './operator-command';
import { streamsCommandGroup } from './streams.command';

/**
 * Every group of the operator command line, in the order `help` lists them. Each group lives in its own file
 * (`<group>.command.ts`) in this folder.
 */
export const OPERATOR_COMMAND_GROUPS: readonly OperatorCommandGroup[] = [streamsCommandGroup];
