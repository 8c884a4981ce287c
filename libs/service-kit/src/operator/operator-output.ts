import { OperatorUsageError, type OperatorContext } from './operator-command';

/** Whether the caller asked for JSON (`--json`), for scripts, instead of a table for people. */
export function wantsJson(context: OperatorContext): boolean {
  return context.args.flags['json'] === true;
}

/** Prints rows as aligned columns under a header; "(none)" when there are no rows. */
export function printTable(context: OperatorContext, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  if (rows.length === 0) {
    context.io.out('(none)');
    return;
  }
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  for (const row of cells) context.io.out(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
}

export function printJson(context: OperatorContext, value: unknown): void {
  context.io.out(JSON.stringify(value, null, 2));
}

/** A whole positive number from a positional argument or flag, or a usage error naming it. */
export function positiveInteger(value: string | true | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (value === true || !/^\d+$/.test(value) || Number(value) < 1) throw new OperatorUsageError(`${name} must be a positive whole number`);
  return Number(value);
}

/** Seconds between a time and now, for "how far behind" columns. */
export function secondsSince(time: Date | null | undefined, now = Date.now()): number | null {
  return time ? Math.max(0, Math.round((now - time.getTime()) / 1000)) : null;
}
