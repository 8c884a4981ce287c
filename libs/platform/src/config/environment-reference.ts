import type { z } from 'zod';

/** What an operator needs to know about one variable that its schema cannot say. */
export interface VariableNote {
  readonly description: string;
  /** How to write a value, when the schema's type says too little (a URL, a key list); enums and numbers say it themselves. */
  readonly format?: string;
  /** A production rule the schema cannot show by rejecting the default (a development value refused, say). */
  readonly production?: string;
  /** Shown instead of the schema's default when that default is computed (a path, a key made at first use). */
  readonly defaultText?: string;
}

/**
 * One schema of environment variables with a note for each variable (docs/configuration.md is generated from these,
 * `npm run docs:config`). `variables` documents what the schema's shape cannot list: names with a pattern
 * (SUBGRAPH_<NAME>_URL) or variables read outside a schema.
 */
export interface EnvironmentSection {
  readonly schema: z.ZodType;
  readonly notes: Readonly<Record<string, VariableNote>>;
  readonly variables?: Readonly<Record<string, VariableNote>>;
}

/** One row of the reference. */
export interface VariableReference {
  readonly name: string;
  /** The value used when the variable is unset; undefined when there is none. */
  readonly defaultValue: string | undefined;
  readonly format: string;
  /** What production demands of it (required, a development value refused…); empty when nothing. */
  readonly production: string;
  readonly description: string;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; shape?: Record<string, z.ZodType>; defaultValue?: unknown };
type Inspected = z.ZodType & { minValue?: number | null; maxValue?: number | null; format?: string | null; options?: readonly unknown[] };

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema inside refinements and transforms. */
export function environmentShape(schema: z.ZodType): Record<string, z.ZodType> {
  for (let current: z.ZodType | undefined = schema; current;) {
    const def = defOf(current);
    if (def.type === 'object') return def.shape!;
    current = def.type === 'pipe' ? def.in : def.innerType;
  }
  throw new Error('environment schema has no object shape');
}

function defaultOf(schema: z.ZodType): string | undefined {
  for (let current: z.ZodType | undefined = schema; current;) {
    const def = defOf(current);
    if (def.type === 'default') return String(def.defaultValue);
    current = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}

function rangeOf(schema: Inspected): string {
  const min = schema.minValue ?? undefined;
  const max = schema.maxValue ?? undefined;
  if (min === undefined && max === undefined) return '';
  return ` ${min ?? ''}–${max ?? ''}`;
}

/** Read off the schema: enumerations, integers and numbers with their bounds, URLs; text otherwise. */
function formatOf(schema: z.ZodType, fromText = false): string {
  const def = defOf(schema);
  const inspected = schema as Inspected;
  switch (def.type) {
    case 'default':
    case 'optional':
      return formatOf(def.innerType!, fromText);
    case 'pipe': {
      const source = formatOf(def.in!, fromText);
      const target = formatOf(def.out!, source === 'digits' || source === 'text' || fromText);
      return target === 'value' ? source : target;
    }
    case 'enum': {
      const options = (inspected.options ?? []).map(String);
      return options.join(' ') === 'true false' ? '`true` or `false`' : `one of ${options.map((option) => `\`${option}\``).join(', ')}`;
    }
    case 'number':
      return `${fromText ? 'integer' : 'number'}${rangeOf(inspected)}`;
    case 'string':
      if (inspected.format === 'url') return 'URL';
      if (
        inspected.format === 'regex' &&
        String((inspected as unknown as { _zod: { bag: { patterns?: Set<RegExp> } } })._zod.bag.patterns?.values().next().value) === '/^\\d+$/'
      ) {
        return 'digits';
      }
      return 'text';
    default:
      return 'value';
  }
}

/** Each variable production refuses when left unset, with the reason (validated with NODE_ENV=production alone). */
function productionRules(schema: z.ZodType): Map<string, string> {
  const rules = new Map<string, string>();
  const result = schema.safeParse({ NODE_ENV: 'production' });
  for (const issue of result.success ? [] : result.error.issues) {
    const variable = issue.path.map(String).join('.');
    if (!variable || rules.has(variable)) continue;
    const message = issue.message.replace(/ in production/, '');
    rules.set(
      variable,
      message.replace(/^(?:\((.*)\) )?is required$/, (_, alternatives?: string) => (alternatives ? `required (${alternatives})` : 'required')),
    );
  }
  return rules;
}

/**
 * The rows of one section, in the schema's order. Every variable of the schema needs a note and every note a
 * variable: a missing or stale note throws, naming it, so the reference cannot drift from the code.
 * `skip` leaves out variables documented elsewhere (the common ones a service's own schema reads again).
 */
export function describeEnvironment(section: EnvironmentSection, skip: ReadonlySet<string> = new Set()): VariableReference[] {
  const shape = environmentShape(section.schema);
  const names = Object.keys(shape).filter((name) => !skip.has(name));
  const undocumented = names.filter((name) => !section.notes[name]);
  const unknown = Object.keys(section.notes).filter((name) => !(name in shape));
  if (undocumented.length > 0) throw new Error(`no note describes ${undocumented.join(', ')}: add one to the section's notes`);
  if (unknown.length > 0) throw new Error(`notes describe ${unknown.join(', ')}, which the schema does not read: remove them or move them to variables`);
  const rules = productionRules(section.schema);
  const rows = names.map((name): VariableReference => {
    const note = section.notes[name]!;
    return {
      name,
      defaultValue: note.defaultText ?? defaultOf(shape[name]!),
      format: note.format ?? formatOf(shape[name]!),
      production: [rules.get(name), note.production].filter(Boolean).join('; '),
      description: note.description,
    };
  });
  const extra = Object.entries(section.variables ?? {}).map(([name, note]): VariableReference => ({
    name,
    defaultValue: note.defaultText,
    format: note.format ?? 'text',
    production: note.production ?? '',
    description: note.description,
  }));
  return [...rows, ...extra];
}
