import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

export const COMPOSE_DIR = join(__dirname, '..');

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  user?: string;
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}`, `${NAME:+alternative}` (compose spec). */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

/** The variables the file requires (`${NAME:?…}`): compose refuses to start without them. */
export function requiredVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].filter((match) => match[2]?.endsWith('?')).map((match) => match[1]!))].sort();
}

/** Every variable the file reads. */
export function referencedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1]!))].sort();
}

/** Replaces variables as compose does; a missing required variable throws with its message. */
export function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (_whole, name: string, operator: string | undefined, operand: string | undefined) => {
    const value = env[name];
    const unsetOrEmpty = value === undefined || (value === '' && operator?.startsWith(':'));
    switch (operator?.replace(':', '')) {
      case '-':
        return unsetOrEmpty ? (operand ?? '') : value!;
      case '?':
        if (unsetOrEmpty) throw new Error(`${name}: ${operand || 'required'}`);
        return value!;
      case '+':
        return unsetOrEmpty ? '' : (operand ?? '');
      default:
        return value ?? '';
    }
  });
}

/** compose.yaml with YAML anchors and merge keys resolved, and variables interpolated from `env`. */
export function loadComposeFile(env: Readonly<Record<string, string>>): ComposeFile {
  return load(interpolate(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), env)) as ComposeFile;
}

/** An env file's variables (NAME=value lines; values taken as written, as compose does for unquoted values). */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/** What `node infra/compose/generate-env.js <region>` prints, parsed. */
export function generatedEnv(region: string): Record<string, string> {
  return parseEnvFile(execFileSync(process.execPath, [join(COMPOSE_DIR, 'generate-env.js'), region], { encoding: 'utf8' }));
}
