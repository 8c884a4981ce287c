import { describeTextProblem, forbiddenCharacterIn } from '@mutuo/domain';
import { z } from 'zod';

/** Services and event names are kebab-case, so that a type is also a valid run of NATS subject tokens. */
const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const CONTRACT_TYPE = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.v([1-9][0-9]{0,5})$/;

/** One problem with event data: `path` names the field (`languages[1]`, `(root)` for the value itself). */
export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

/** Event data that does not match its contract. The message lists every offending field. */
export class ContractValidationError extends Error {
  constructor(
    readonly type: string,
    readonly issues: readonly ContractIssue[],
  ) {
    super(`Invalid ${type} data: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'ContractValidationError';
  }
}

export type ContractParseResult<Data> = { readonly ok: true; readonly data: Data } | { readonly ok: false; readonly error: ContractValidationError };

/**
 * The published shape of one version of one integration event. Producers and consumers share it:
 * the producer refuses to publish data that does not match, the consumer dead-letters it.
 */
export interface IntegrationEventContract<Type extends string = string, Data = unknown> {
  /** `<service>.<name>.v<version>`, e.g. `requests.request-posted.v1`. */
  readonly type: Type;
  /** The producing service. */
  readonly service: string;
  readonly name: string;
  readonly version: number;
  readonly schema: z.ZodType<Data>;
  /** Validates `data`; on success returns it as the schema outputs it (unknown fields dropped). */
  parse(data: unknown): ContractParseResult<Data>;
  /** Like `parse`, but throws the ContractValidationError. */
  assert(data: unknown): Data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyIntegrationEventContract = IntegrationEventContract<string, any>;

/** The data type of a contract: `ContractData<typeof RequestPostedV1>`. */
export type ContractData<Contract> = Contract extends IntegrationEventContract<string, infer Data> ? Data : never;

export interface ContractDefinition<Service extends string, Name extends string, Version extends number, Schema extends z.ZodType> {
  readonly service: Service;
  readonly name: Name;
  readonly version: Version;
  readonly schema: Schema;
}

export function defineContract<const Service extends string, const Name extends string, const Version extends number, Schema extends z.ZodType>(
  definition: ContractDefinition<Service, Name, Version, Schema>,
): IntegrationEventContract<`${Service}.${Name}.v${Version}`, z.output<Schema>> {
  const { service, name, version, schema } = definition;
  if (!KEBAB_CASE.test(service)) throw new Error(`Contract service "${service}" must be kebab-case (a-z, 0-9, "-")`);
  if (!KEBAB_CASE.test(name)) throw new Error(`Contract name "${name}" must be kebab-case (a-z, 0-9, "-")`);
  if (!Number.isInteger(version) || version < 1 || version > 999_999) {
    throw new Error(`Contract version of ${service}.${name} must be a positive integer (got ${String(version)})`);
  }
  const type = `${service}.${name}.v${version}` as `${Service}.${Name}.v${Version}`;
  type Data = z.output<Schema>;
  const parse = (data: unknown): ContractParseResult<Data> => {
    const unsafe = unsafeTextIn(data);
    if (unsafe) return { ok: false, error: new ContractValidationError(type, [unsafe]) };
    const result = schema.safeParse(data);
    return result.success
      ? { ok: true, data: result.data as Data }
      : { ok: false, error: new ContractValidationError(type, toContractIssues(result.error.issues)) };
  };
  return Object.freeze({
    type,
    service,
    name,
    version,
    schema: schema as unknown as z.ZodType<Data>,
    parse,
    assert(data: unknown): Data {
      const result = parse(data);
      if (!result.ok) throw result.error;
      return result.data;
    },
  });
}

export interface ContractTypeParts {
  readonly service: string;
  readonly name: string;
  readonly version: number;
}

/** Splits `<service>.<name>.v<version>`; null when the string is not shaped like a contract type. */
export function parseContractType(type: string): ContractTypeParts | null {
  const match = CONTRACT_TYPE.exec(type);
  if (!match) return null;
  return { service: match[1]!, name: match[2]!, version: Number(match[3]) };
}

/**
 * Whatever a schema says about a field, no string in event data may carry a control character (other than
 * tab and line breaks), a lone surrogate or a noncharacter: consumers would store it and fail on it later.
 */
function unsafeTextIn(value: unknown, path: readonly PropertyKey[] = []): ContractIssue | null {
  if (typeof value === 'string') {
    const problem = forbiddenCharacterIn(value);
    if (!problem) return null;
    const field = formatPath(path);
    return { path: field, message: describeTextProblem({ field: 'Text', max: 0, multiline: true }, problem) };
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = unsafeTextIn(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

export function toContractIssues(issues: readonly z.core.$ZodIssue[]): ContractIssue[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    return text === '' ? name : `${text}.${name}`;
  }, '');
}
