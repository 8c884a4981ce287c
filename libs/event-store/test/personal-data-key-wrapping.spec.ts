import { randomBytes, randomUUID } from 'node:crypto';
import { KeyEncryptionKeys } from '../src/personal-data/key-encryption-keys';
import { PersonalDataCodec, standIn, type PersonalDataPolicy } from '../src/personal-data/personal-data-codec';
import { PERSONAL_DATA_KEY_WRAPPING_SQL, PERSONAL_DATA_KEYS_SCHEMA_SQL, rewrapPersonalDataKeys } from '../src/personal-data/personal-data-keys';
import { PostgresEventStore } from '../src/postgres-event-store';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import { openTestDatabase } from './test-database';

const podId = randomUUID();
const metadata = { occurredAt: '2026-12-07T10:00:00.000Z', actorId: 'person-1', podId };
const policy: PersonalDataPolicy = {
  fieldsOf: (event) => (event.type === 'NoteWritten' ? { text: standIn('(erased)') } : undefined),
  ownerOf: (event) => (event.data as { authorId: string }).authorId,
};
const kek = (id: string, fill: number) => `${id}:${Buffer.alloc(32, fill).toString('base64')}`;

interface KeyRow {
  key_id: string;
  owner_id: string;
  kek_id: string | null;
  data_key: Buffer;
}

describe('personal data keys wrapped with key-encryption keys (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;

  beforeAll(async () => {
    // The key table as the first migrations made it: wrapping is added to tables that already hold raw keys.
    db = await openTestDatabase(PERSONAL_DATA_KEYS_SCHEMA_SQL);
  });
  afterAll(() => db.close());

  const em = () => db.orm.em.fork();
  const keyRows = () => query<KeyRow>(em(), 'select key_id, owner_id, kek_id, data_key from mutuo_personal_data_keys order by owner_id');
  const storeWith = (keks: KeyEncryptionKeys) => new PostgresEventStore({ codec: new PersonalDataCodec(policy, keks) });

  async function write(store: PostgresEventStore, authorId: string, text: string): Promise<string> {
    const stream = streamName('note', podId, randomUUID());
    await store.append(em(), stream, [{ type: 'NoteWritten', data: { authorId, text }, metadata }], 'no_stream');
    return stream;
  }
  const textOf = async (store: PostgresEventStore, stream: string) => ((await store.readStream(em(), stream)).events[0]!.data as { text: string }).text;

  it('stores no raw key, re-wraps old raw keys and, after a rotation, every key with the new primary KEK', async () => {
    // A key written before wrapping existed: raw, no KEK.
    const legacyOwner = randomUUID();
    const legacyKey = randomBytes(32);
    await query(em(), 'insert into mutuo_personal_data_keys (key_id, owner_id, data_key) values (?, ?, ?)', [randomUUID(), legacyOwner, legacyKey]);
    await query(em(), PERSONAL_DATA_KEY_WRAPPING_SQL);

    const first = KeyEncryptionKeys.parse(kek('2026-a', 1));
    const before = storeWith(first);
    const legacyStream = await write(before, legacyOwner, 'Written with the raw key');
    const newOwner = randomUUID();
    const newStream = await write(before, newOwner, 'Written with a wrapped key');

    // New keys are wrapped as soon as they are made; the raw one is wrapped at the next start.
    const created = (await keyRows()).find((row) => row.owner_id === newOwner)!;
    expect(created.kek_id).toBe('2026-a');
    expect(created.data_key).toHaveLength(60);
    expect(await rewrapPersonalDataKeys(em(), first)).toBe(1);
    const rows = await keyRows();
    expect(rows.map((row) => row.kek_id)).toEqual(['2026-a', '2026-a']);
    expect(rows.some((row) => row.data_key.includes(legacyKey))).toBe(false);
    expect(await textOf(before, legacyStream)).toBe('Written with the raw key');

    // Rotation: a new primary first, the old one still listed; the start re-wraps, then the old KEK can go.
    const rotated = KeyEncryptionKeys.parse(`${kek('2026-b', 2)},${kek('2026-a', 1)}`);
    expect(await rewrapPersonalDataKeys(em(), rotated)).toBe(2);
    expect((await keyRows()).map((row) => row.kek_id)).toEqual(['2026-b', '2026-b']);
    const afterRotation = storeWith(KeyEncryptionKeys.parse(kek('2026-b', 2)));
    expect(await textOf(afterRotation, legacyStream)).toBe('Written with the raw key');
    expect(await textOf(afterRotation, newStream)).toBe('Written with a wrapped key');
    expect(await rewrapPersonalDataKeys(em(), rotated)).toBe(0);

    // Without the KEK that wrapped them, the keys do not open: a copy of the database alone reads nothing.
    await expect(textOf(storeWith(KeyEncryptionKeys.parse(kek('other', 3))), newStream)).rejects.toThrow(
      /wrapped with key-encryption key "2026-b", which PERSONAL_DATA_KEKS does not list/,
    );
  });

  it('refuses a wrapped key moved to another row (the wrapping is bound to the key id)', async () => {
    const keks = KeyEncryptionKeys.parse(kek('2026-c', 4));
    const [a, b] = [randomUUID(), randomUUID()];
    const store = storeWith(keks);
    const stream = await write(store, a, 'Mine');
    await write(store, b, 'Theirs');
    await query(
      em(),
      'update mutuo_personal_data_keys set data_key = (select data_key from mutuo_personal_data_keys where owner_id = ?), kek_id = ? where owner_id = ?',
      [b, '2026-c', a],
    );
    await expect(textOf(store, stream)).rejects.toThrow();
  });
});
