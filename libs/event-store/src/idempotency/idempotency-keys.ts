import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { query } from '../sql';

/**
 * One row per idempotency key a caller used: who (pod and actor), which key, what they asked for (operation and a
 * hash of the input) and the id of what was created. Written in the same transaction as the creating events, so a
 * key is taken exactly when its effect exists: a rolled-back attempt leaves the key free for the retry.
 * `scope` is the pod id, or '' for callers without one (an operator creating a region, a newcomer applying).
 */
export const IDEMPOTENCY_KEYS_SCHEMA_SQL = `
create table if not exists mutuo_idempotency_keys (
  scope text not null,
  actor_id text not null,
  idempotency_key text not null,
  operation text not null,
  input_hash text not null,
  result_id text not null,
  created_at timestamptz not null default clock_timestamp(),
  constraint mutuo_idempotency_keys_pkey primary key (scope, actor_id, idempotency_key)
);
`;

export const IDEMPOTENCY_KEY_FIELD = 'idempotencyKey';
export const IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED';
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,100}$/;

/** The optional field every creating mutation's input has (GraphQL `idempotencyKey: String`). */
export interface IdempotentInput {
  readonly idempotencyKey?: string | null;
}

/** A creating call that may carry a client's idempotency key. */
export interface IdempotentCall {
  /** The client's key; absent means every call creates anew. */
  readonly key: string | null | undefined;
  readonly podId: string | null;
  /** Who asks: keys are per caller, so two members may use the same key without meeting. */
  readonly actorId: string;
  /** e.g. 'requests.postRequest': the same key for another operation is a reuse. */
  readonly operation: string;
  /** What the caller asked for (without the key): a retry must ask for exactly the same. */
  readonly input: unknown;
}

export interface IdempotencyClaim {
  /** The id of the thing created: new, or the one the first call with this key created. */
  readonly id: string;
  /** True when an earlier call with this key already created it: do not create again, return it. */
  readonly replayed: boolean;
}

/** Checks a client's key: 1–100 characters of letters, digits, `_`, `-`, `:` and `.`. */
export function checkIdempotencyKey(key: string | null | undefined, field = IDEMPOTENCY_KEY_FIELD): string | null {
  if (key === null || key === undefined) return null;
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new DomainRuleViolation('BAD_USER_INPUT', `${field} must be 1 to 100 characters of letters, digits, "_", "-", ":" and "."`, field);
  }
  return key;
}

/**
 * Takes the caller's key for a new id inside the caller's transaction, or finds the id an earlier call with the same
 * key created. A concurrent call with the same key waits on the primary key until the first commits (then replays) or
 * rolls back (then creates). The same key with another operation or input is refused with IDEMPOTENCY_KEY_REUSED.
 */
export async function claimIdempotencyKey(tx: EntityManager, call: IdempotentCall, newId: () => string = randomUUID): Promise<IdempotencyClaim> {
  const key = checkIdempotencyKey(call.key);
  if (key === null) return { id: newId(), replayed: false };
  if (!tx.isInTransaction()) throw new Error('claimIdempotencyKey needs the transaction that creates the result');
  const scope = call.podId ?? '';
  const inputHash = hashOfInput(call.input);
  const id = newId();
  const inserted = await query(
    tx,
    `insert into mutuo_idempotency_keys (scope, actor_id, idempotency_key, operation, input_hash, result_id)
     values (?, ?, ?, ?, ?, ?) on conflict do nothing returning result_id`,
    [scope, call.actorId, key, call.operation, inputHash, id],
  );
  if (inserted.length > 0) return { id, replayed: false };
  const [earlier] = await query<{ operation: string; input_hash: string; result_id: string }>(
    tx,
    'select operation, input_hash, result_id from mutuo_idempotency_keys where scope = ? and actor_id = ? and idempotency_key = ?',
    [scope, call.actorId, key],
  );
  if (!earlier) throw new Error('An idempotency key conflicted but its row is gone');
  if (earlier.operation !== call.operation || earlier.input_hash !== inputHash) {
    throw new DomainRuleViolation(
      IDEMPOTENCY_KEY_REUSED,
      'This idempotency key was already used for a different request: use a new key for new input',
      IDEMPOTENCY_KEY_FIELD,
    );
  }
  return { id: earlier.result_id, replayed: true };
}

/** How a creating command runs once per key: `create` makes the thing with a new id, `replay` returns the earlier one. */
export interface CreateOnce<T> {
  create(tx: EntityManager, id: string): Promise<T>;
  replay(tx: EntityManager, id: string): Promise<T>;
}

/**
 * Runs a creating command at most once per idempotency key. With a key, the claim and the creation share one
 * transaction (a savepoint when `em` is already in one); without, `create` runs on `em` with a new id as before.
 */
export async function createOnce<T>(em: EntityManager, call: IdempotentCall, work: CreateOnce<T>, newId: () => string = randomUUID): Promise<T> {
  if (checkIdempotencyKey(call.key) === null) return work.create(em, newId());
  return em.transactional(async (tx) => {
    const claim = await claimIdempotencyKey(tx, call, newId);
    return claim.replayed ? work.replay(tx, claim.id) : work.create(tx, claim.id);
  });
}

/** A stable hash of a JSON-like value: object keys sorted, null and undefined alike (absent). */
export function hashOfInput(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== null && field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
