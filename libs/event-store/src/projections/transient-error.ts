/**
 * Why an operation failed for a reason that says nothing about the operation itself, so the same operation
 * may succeed later:
 * - `unavailable`: the dependency could not be reached at all (refused connection, pool acquire timeout, server
 *   starting or shutting down, too many connections). Nothing was done.
 * - `interrupted`: the connection was lost while the operation ran. A transaction rolls back, but a write whose
 *   COMMIT was under way may or may not have happened.
 * - `contention`: the database rolled the transaction back to resolve a conflict (serialization failure,
 *   deadlock). Nothing was done.
 */
export type TransientKind = 'unavailable' | 'interrupted' | 'contention';

export interface TransientFailure {
  readonly kind: TransientKind;
  /** What gave it away: an errno, a SQLSTATE or an error name. */
  readonly evidence: string;
}

// Node's socket errors: no connection could be made, or the one in use went away.
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN']);
const LOST_CONNECTION_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

// PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/15/errcodes-appendix.html).
const SQLSTATE_KINDS: Readonly<Record<string, TransientKind>> = {
  '08001': 'unavailable', // sqlclient_unable_to_establish_sqlconnection
  '08004': 'unavailable', // sqlserver_rejected_establishment_of_sqlconnection
  '57P03': 'unavailable', // cannot_connect_now (starting up, in recovery)
  '53300': 'unavailable', // too_many_connections
  '57P01': 'interrupted', // admin_shutdown
  '57P02': 'interrupted', // crash_shutdown
  '40001': 'contention', // serialization_failure
  '40P01': 'contention', // deadlock_detected
  '55P03': 'contention', // lock_not_available (lock_timeout)
  '57014': 'interrupted', // query_canceled (statement_timeout)
};

// Errors some drivers raise without a code; matched on the message as a last resort.
const MESSAGE_KINDS: readonly (readonly [RegExp, TransientKind])[] = [
  [/^Knex: Timeout acquiring a connection/, 'unavailable'],
  [/timeout exceeded when trying to connect/i, 'unavailable'],
  [/^Connection terminated/, 'interrupted'],
  [/Client has encountered a connection error and is not queryable/, 'interrupted'],
];

// Error names: knex's pool timeout, and the NATS client's (a request that got no answer in time, or no server).
const NAME_KINDS: Readonly<Record<string, TransientKind>> = {
  KnexTimeoutError: 'unavailable',
  NoResponders: 'unavailable',
  NoRespondersError: 'unavailable',
  ConnectionError: 'unavailable',
  TimeoutError: 'interrupted',
};

const MAX_DEPTH = 6;

/**
 * Tells an infrastructure failure (database or broker unreachable, connection lost, transaction rolled back by a
 * conflict) apart from everything else. It follows `cause`, the errors of an AggregateError, a GraphQL error's
 * `originalError` and graphql-js's `thrownValue`, because drivers and frameworks wrap the socket error they got. Null means: not transient, the
 * operation itself failed (a bug, a refusal, bad data) and trying again changes nothing.
 */
export function classifyTransientError(error: unknown): TransientFailure | null {
  return classify(error, 0, new Set());
}

export function isTransientError(error: unknown): boolean {
  return classifyTransientError(error) !== null;
}

function classify(error: unknown, depth: number, seen: Set<unknown>): TransientFailure | null {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH || seen.has(error)) return null;
  seen.add(error);
  const own = classifyOwn(error as ErrorLike);
  if (own) return own;
  const { cause, errors, originalError, thrownValue } = error as ErrorLike;
  for (const inner of [cause, originalError, thrownValue, ...(Array.isArray(errors) ? errors : [])]) {
    const found = classify(inner, depth + 1, seen);
    if (found) return found;
  }
  return null;
}

interface ErrorLike {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly originalError?: unknown;
  /** graphql-js wraps a thrown value that is not an Error (from another realm, say) as NonErrorThrown. */
  readonly thrownValue?: unknown;
}

function classifyOwn(error: ErrorLike): TransientFailure | null {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code) {
    if (UNREACHABLE_ERRNOS.has(code)) return { kind: 'unavailable', evidence: code };
    if (LOST_CONNECTION_ERRNOS.has(code)) return { kind: 'interrupted', evidence: code };
    const sqlState = SQLSTATE_KINDS[code];
    if (sqlState) return { kind: sqlState, evidence: `SQLSTATE ${code}` };
    // Class 08: connection exceptions (connection does not exist, connection failure, protocol violation, ...).
    if (/^08[0-9A-Z]{3}$/.test(code)) return { kind: 'interrupted', evidence: `SQLSTATE ${code}` };
    // Class 53: insufficient resources (disk full, out of memory); class 58: system errors (I/O). Not the operation's fault.
    if (/^5[38][0-9A-Z]{3}$/.test(code)) return { kind: 'unavailable', evidence: `SQLSTATE ${code}` };
  }
  const name = typeof error.name === 'string' ? error.name : undefined;
  if (name && Object.hasOwn(NAME_KINDS, name)) return { kind: NAME_KINDS[name]!, evidence: name };
  const message = typeof error.message === 'string' ? error.message : '';
  for (const [pattern, kind] of MESSAGE_KINDS) {
    if (pattern.test(message)) return { kind, evidence: message.slice(0, 80) };
  }
  return null;
}
