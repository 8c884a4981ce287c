import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where run-time code lives: every service, the gateway and the libs they ship with (libs/testing is not shipped). */
const RUNTIME_SOURCES = ['services', 'gateway/src', 'libs'];
const NOT_SHIPPED = /(\.spec\.ts$|[\\/]test[\\/]|[\\/]e2e[\\/]|^libs[\\/]testing[\\/])/;

/** Read by the code, yet no operator setting: each with the reason it stays out of the reference. */
const NOT_SETTINGS: Readonly<Record<string, string>> = {
  GATEWAY_BENCH_ANONYMOUS_TYPENAME: 'set only by npm run bench:membership, ignored in production',
  MUTUO_SERVICES_ROOT: 'npm run compose, a development tool',
  SUPERGRAPH_OUTPUT: 'npm run compose, a development tool',
};

// `env.NAME`, `process.env.NAME`, `env?.NAME`, `env['NAME']`, and `NAME:` keys of the schemas in files that load a configuration.
const ENV_READ = /\benv\??\.([A-Z][A-Z0-9_]{2,})\b|\benv\[['"]([A-Z][A-Z0-9_]{2,})['"]\]/g;
const SCHEMA_KEY = /^\s+([A-Z][A-Z0-9_]{2,}):\s/gm;
const LOADS_CONFIGURATION = /\bloadConfig\(|\bz\.(?:object|looseObject|strictObject)\(|Shape\b/;

export interface UndocumentedVariable {
  readonly name: string;
  readonly file: string;
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((file) => !NOT_SHIPPED.test(file));
}

/** Every variable the run-time sources read that `documented` lacks, with the first file reading it. */
export function undocumentedVariables(root: string, documented: ReadonlySet<string>): UndocumentedVariable[] {
  const found = new Map<string, string>();
  for (const file of RUNTIME_SOURCES.flatMap((dir) => sourceFiles(root, dir))) {
    const text = readFileSync(join(root, file), 'utf8');
    const names = [...text.matchAll(ENV_READ)].map((match) => match[1] ?? match[2]!);
    if (LOADS_CONFIGURATION.test(text)) names.push(...[...text.matchAll(SCHEMA_KEY)].map((match) => match[1]!));
    for (const name of names) if (!documented.has(name) && !(name in NOT_SETTINGS) && !found.has(name)) found.set(name, file);
  }
  return [...found].map(([name, file]) => ({ name, file }));
}
