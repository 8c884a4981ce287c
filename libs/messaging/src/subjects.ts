import { parseContractType } from '@mutuo/contracts';

/**
 * Subject scheme (see docs/messaging.md):
 *   events:        <prefix>.evt.<region>.<pod|_>.<service>.<name>.v<version>
 *   dead letters:  <prefix>.dlq.<consumer>.<failure-kind>
 * Every token is plain [A-Za-z0-9_-], so no value can smuggle in a "." or a wildcard.
 */
export const DEFAULT_SUBJECT_PREFIX = 'mutuo';
/** Stands in for the pod of events that belong to no pod (a region, say). */
export const NO_POD_TOKEN = '_';

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export class InvalidSubjectTokenError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} "${String(value)}" is not a valid subject token: use 1-64 letters, digits, "_" or "-" (no dots, wildcards or spaces)`);
    this.name = 'InvalidSubjectTokenError';
  }
}

export function assertSubjectToken(value: unknown, field: string): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) throw new InvalidSubjectTokenError(field, value);
  return value;
}

export function isSubjectToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

function assertContractType(type: string): string {
  if (!parseContractType(type)) throw new Error(`Event type "${type}" is not of the form <service>.<name>.v<version>`);
  return type;
}

export interface EventSubjectParts {
  readonly prefix?: string;
  readonly region: string;
  /** null for events that belong to no pod. */
  readonly podId: string | null;
  /** The contract type, `<service>.<name>.v<version>`. */
  readonly type: string;
}

export function eventSubject({ prefix = DEFAULT_SUBJECT_PREFIX, region, podId, type }: EventSubjectParts): string {
  assertSubjectToken(prefix, 'prefix');
  assertSubjectToken(region, 'region');
  const pod = podId === null ? NO_POD_TOKEN : assertSubjectToken(podId, 'podId');
  return `${prefix}.evt.${region}.${pod}.${assertContractType(type)}`;
}

export interface ParsedEventSubject {
  readonly prefix: string;
  readonly region: string;
  readonly podId: string | null;
  readonly service: string;
  readonly name: string;
  readonly version: number;
  readonly type: string;
}

/** Reads an event subject back; null when it does not follow the scheme. */
export function parseEventSubject(subject: string): ParsedEventSubject | null {
  const tokens = subject.split('.');
  if (tokens.length !== 7 || tokens[1] !== 'evt') return null;
  const [prefix, , region, pod, service, name, version] = tokens as [string, string, string, string, string, string, string];
  if (![prefix, region, pod].every(isSubjectToken)) return null;
  const type = `${service}.${name}.${version}`;
  const parts = parseContractType(type);
  if (!parts) return null;
  return { prefix, region, podId: pod === NO_POD_TOKEN ? null : pod, service, name, version: parts.version, type };
}

/** Every event one service publishes, in any region and pod. */
export function serviceEventsFilter(prefix: string, service: string): string {
  return `${assertSubjectToken(prefix, 'prefix')}.evt.*.*.${assertSubjectToken(service, 'service')}.>`;
}

/** One event type, in any region and pod. */
export function eventTypeFilter(prefix: string, type: string): string {
  return `${assertSubjectToken(prefix, 'prefix')}.evt.*.*.${assertContractType(type)}`;
}

/** Every event of one pod: what a pod-scoped NATS user or leaf node is allowed to see. */
export function podEventsFilter(prefix: string, podId: string): string {
  return `${assertSubjectToken(prefix, 'prefix')}.evt.*.${assertSubjectToken(podId, 'podId')}.>`;
}

/** `<PREFIX>_<SERVICE>_EVENTS`: the stream holding one producing service's events. */
export function eventStreamName(prefix: string, service: string): string {
  return `${streamToken(assertSubjectToken(prefix, 'prefix'))}_${streamToken(assertSubjectToken(service, 'service'))}_EVENTS`;
}

export function deadLetterStreamName(prefix: string): string {
  return `${streamToken(assertSubjectToken(prefix, 'prefix'))}_DEAD_LETTERS`;
}

export function deadLetterFilter(prefix: string): string {
  return `${assertSubjectToken(prefix, 'prefix')}.dlq.>`;
}

export function deadLetterSubject(prefix: string, consumer: string, kind: string): string {
  return `${assertSubjectToken(prefix, 'prefix')}.dlq.${assertSubjectToken(consumer, 'consumer')}.${assertSubjectToken(kind, 'kind')}`;
}

/** A JetStream durable name for a consumer: no dots or wildcards, so tokens qualify as they are. */
export function durableName(consumer: string): string {
  return assertSubjectToken(consumer, 'consumer');
}

function streamToken(token: string): string {
  return token.toUpperCase().replace(/-/g, '_');
}
