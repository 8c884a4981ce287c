import { z } from 'zod';
import { ConfigError } from './config-error';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates environment variables against a zod schema. Empty strings count as unset, so
 * `PORT=` in a .env file falls back to the default instead of failing as "not a number".
 */
export function loadConfig<Schema extends z.ZodType>(schema: Schema, env: Environment = process.env): z.output<Schema> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, present));
}

/**
 * Runs `fn` (usually the service's bootstrap). A ConfigError becomes one line on stderr and
 * exit code 1; anything else is rethrown untouched.
 */
export async function exitOnConfigError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[], env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const variable = issue.path.map(String).join('.') || 'environment';
    const problem =
      issue.path.length === 1 && env[variable] === undefined && issue.code === 'invalid_type' ? `${variable} is required` : `${variable} ${issue.message}`;
    // One complaint per variable keeps the line readable.
    if (!problems.some((known) => known.startsWith(`${variable} `))) problems.push(problem);
  }
  return problems;
}
