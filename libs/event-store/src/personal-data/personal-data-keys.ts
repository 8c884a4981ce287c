import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../sql';
import { WRAPPED_DATA_KEY_BYTES, type KeyEncryptionKeys } from './key-encryption-keys';

/** The first shape of the key table (kept as it was: the services' first migrations create it with this). */
export const PERSONAL_DATA_KEYS_SCHEMA_SQL = `
create table if not exists mutuo_personal_data_keys (
  key_id uuid primary key,
  -- Whose personal data the key seals: a member id.
  owner_id uuid not null unique,
  data_key bytea not null check (octet_length(data_key) = 32),
  created_at timestamptz not null default clock_timestamp()
);
`;

/**
 * Wrapped data keys (run after PERSONAL_DATA_KEYS_SCHEMA_SQL, in a later migration): `kek_id` names the
 * key-encryption key that wrapped `data_key`. A row without one holds a raw key written before wrapping existed;
 * `rewrapPersonalDataKeys` wraps it at the next start.
 */
export const PERSONAL_DATA_KEY_WRAPPING_SQL = `
alter table mutuo_personal_data_keys add column if not exists kek_id text;
alter table mutuo_personal_data_keys drop constraint if exists mutuo_personal_data_keys_data_key_check;
alter table mutuo_personal_data_keys add constraint mutuo_personal_data_keys_data_key_check
  check (case when kek_id is null then octet_length(data_key) = 32 else octet_length(data_key) = ${WRAPPED_DATA_KEY_BYTES} end);
`;

export interface DataKey {
  readonly keyId: string;
  readonly key: Buffer;
}

interface KeyRow {
  key_id: string;
  owner_id: string;
  kek_id: string | null;
  data_key: Buffer;
}

/**
 * The owners' data keys, each created on first use: usually one select. A key another transaction created while
 * this one inserted (the insert skips it) is read again with a fresh snapshot. Keys are stored wrapped.
 */
export async function keysOfOwners(em: EntityManager, keks: KeyEncryptionKeys, ownerIds: readonly string[]): Promise<Map<string, DataKey>> {
  const keys = await selectKeysOfOwners(em, keks, ownerIds);
  const missing = ownerIds.filter((ownerId) => !keys.has(ownerId));
  if (missing.length === 0) return keys;
  const fresh = new Map<string, Buffer>();
  const candidates = missing.map((ownerId) => {
    const keyId = randomUUID();
    const dataKey = randomBytes(32);
    fresh.set(keyId, dataKey);
    const { kekId, wrapped } = keks.wrap(keyId, dataKey);
    return { key_id: keyId, owner_id: ownerId, kek_id: kekId, data_key: wrapped.toString('base64') };
  });
  const created = await query<{ key_id: string; owner_id: string }>(
    em,
    `insert into mutuo_personal_data_keys (key_id, owner_id, kek_id, data_key)
     select k.key_id, k.owner_id, k.kek_id, decode(k.data_key, 'base64')
     from jsonb_to_recordset(?::jsonb) as k(key_id uuid, owner_id uuid, kek_id text, data_key text)
     on conflict (owner_id) do nothing
     returning key_id, owner_id`,
    [JSON.stringify(candidates)],
  );
  for (const row of created) keys.set(row.owner_id, { keyId: row.key_id, key: fresh.get(row.key_id)! });
  const raced = missing.filter((ownerId) => !keys.has(ownerId));
  if (raced.length > 0) for (const [ownerId, key] of await selectKeysOfOwners(em, keks, raced)) keys.set(ownerId, key);
  return keys;
}

async function selectKeysOfOwners(em: EntityManager, keks: KeyEncryptionKeys, ownerIds: readonly string[]): Promise<Map<string, DataKey>> {
  const rows = await query<KeyRow>(
    em,
    'select key_id, owner_id, kek_id, data_key from mutuo_personal_data_keys where owner_id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
    [JSON.stringify(ownerIds)],
  );
  return new Map(rows.map((row) => [row.owner_id, { keyId: row.key_id, key: keks.unwrap(row.key_id, row.kek_id, row.data_key) }]));
}

/** The data keys with these ids that still exist, unwrapped. */
export async function keysById(em: EntityManager, keks: KeyEncryptionKeys, keyIds: readonly string[]): Promise<Map<string, Buffer>> {
  const rows = await query<KeyRow>(
    em,
    'select key_id, owner_id, kek_id, data_key from mutuo_personal_data_keys where key_id in (select jsonb_array_elements_text(?::jsonb)::uuid)',
    [JSON.stringify(keyIds)],
  );
  return new Map(rows.map((row) => [row.key_id, keks.unwrap(row.key_id, row.kek_id, row.data_key)]));
}

/**
 * Destroys the owner's data key: from then on their sealed fields open to their stand-ins only, everywhere (reads,
 * projection rebuilds, the outbox relay), and the relay erases the messages it published with them from JetStream.
 * Run it in the transaction that records the erasure. Someone who comes back later gets a new key; the old fields
 * stay unreadable.
 */
export async function destroyPersonalDataKey(em: EntityManager, ownerId: string): Promise<void> {
  await query(em, 'delete from mutuo_personal_data_keys where owner_id = ?', [ownerId]);
}

/**
 * Wraps every key that is raw or wrapped with a KEK other than the primary one with the primary KEK, in batches,
 * each row only if nobody changed it meanwhile. Returns how many keys it re-wrapped. Run at start: after a
 * rotation (new primary first, the old one still listed), once it returns, the old KEK may be dropped from the list.
 */
export async function rewrapPersonalDataKeys(em: EntityManager, keks: KeyEncryptionKeys, batchSize = 500): Promise<number> {
  let rewrapped = 0;
  for (;;) {
    const rows = await query<KeyRow>(
      em,
      'select key_id, owner_id, kek_id, data_key from mutuo_personal_data_keys where kek_id is distinct from ? order by key_id limit ?',
      [keks.primary.id, batchSize],
    );
    if (rows.length === 0) return rewrapped;
    const updates = rows.map((row) => {
      const { kekId, wrapped } = keks.wrap(row.key_id, keks.unwrap(row.key_id, row.kek_id, row.data_key));
      return { key_id: row.key_id, old_kek_id: row.kek_id, kek_id: kekId, data_key: wrapped.toString('base64') };
    });
    const changed = await query(
      em,
      `update mutuo_personal_data_keys k set kek_id = u.kek_id, data_key = decode(u.data_key, 'base64')
       from jsonb_to_recordset(?::jsonb) as u(key_id uuid, old_kek_id text, kek_id text, data_key text)
       where k.key_id = u.key_id and k.kek_id is not distinct from u.old_kek_id
       returning k.key_id`,
      [JSON.stringify(updates)],
    );
    // A row another replica re-wrapped meanwhile is skipped here and no longer selected.
    rewrapped += changed.length;
  }
}
