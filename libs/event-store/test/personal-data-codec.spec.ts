import { randomUUID } from 'node:crypto';
import { KeyEncryptionKeys } from '../src/personal-data/key-encryption-keys';
import { PersonalDataCodec, standIn, type PersonalDataPolicy } from '../src/personal-data/personal-data-codec';
import { PERSONAL_DATA_KEY_WRAPPING_SQL, PERSONAL_DATA_KEYS_SCHEMA_SQL, destroyPersonalDataKey } from '../src/personal-data/personal-data-keys';
import { PostgresEventStore } from '../src/postgres-event-store';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import { openTestDatabase } from './test-database';

const podId = randomUUID();
const metadata = { occurredAt: '2026-11-26T10:00:00.000Z', actorId: 'person-1', podId };

/** People's notes: the text and the author's name are personal; the note's id and its count are not. */
const policy: PersonalDataPolicy = {
  fieldsOf: (event) => (event.type === 'NoteWritten' ? { text: standIn('(erased)'), authorName: standIn('Former member') } : undefined),
  publishedFieldsOf: (event) => (event.type === 'NoteWritten' ? { summary: standIn('(erased)') } : undefined),
  ownerOf: (event) => (event.data as { authorId?: string }).authorId ?? null,
};

describe('personal data sealed with per-person keys (crypto-shredding, real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const keks = KeyEncryptionKeys.parse(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
  const codec = new PersonalDataCodec(policy, keks);
  // The outbox publishes a summary of the note: other data than the event's own, personal too.
  const store = new PostgresEventStore({
    codec,
    outbox: (event) =>
      event.type === 'NoteWritten' ? { subject: 'notes.note-written', data: { summary: (event.data as { text: string }).text.slice(0, 10) } } : null,
  });

  beforeAll(async () => {
    db = await openTestDatabase(PERSONAL_DATA_KEYS_SCHEMA_SQL + PERSONAL_DATA_KEY_WRAPPING_SQL);
  });
  afterAll(() => db.close());

  const em = () => db.orm.em.fork();
  const rawRows = async (stream: string) =>
    query<{ text: string }>(
      em(),
      "select (data::text || coalesce(publish_data::text, '')) as text from mutuo_events where stream_id = ? order by stream_position",
      [stream],
    );

  async function write(authorId: string, text: string) {
    const stream = streamName('note', podId, randomUUID());
    const data = { noteId: randomUUID(), authorId, authorName: 'Wilhelmina Snodgrass', text, count: 1 };
    await store.append(em(), stream, [{ type: 'NoteWritten', data, metadata }], 'no_stream');
    return { stream, data };
  }

  it('given a note, when it is stored, then its personal fields are sealed in the row and open as written when read', async () => {
    const { stream, data } = await write(randomUUID(), 'Snodgrass needs help on Tuesdays');
    const [row] = await rawRows(stream);
    expect(row!.text).not.toContain('Snodgrass');
    expect(row!.text).toContain(data.noteId);
    expect((await store.readStream(em(), stream)).events.map((event) => event.data)).toEqual([data]);
    const [published] = await query<{ data: string; event_id: string }>(
      em(),
      'select event_id, coalesce(publish_data, data)::text as data from mutuo_events where stream_id = ?',
      [stream],
    );
    expect(JSON.parse((await codec.openPublished(em(), [{ eventId: published!.event_id, data: published!.data }]))[0]!.data)).toEqual({
      summary: 'Snodgrass ',
    });
  });

  it('given the author erased, when the note is read, then the stand-ins appear and the rest of the history is whole', async () => {
    const authorId = randomUUID();
    const { stream, data } = await write(authorId, 'Snodgrass lives at number 4');
    await destroyPersonalDataKey(em(), authorId);
    const { events, currentVersion } = await store.readStream(em(), stream);
    expect(currentVersion).toBe(1);
    expect(events.map((event) => event.data)).toEqual([{ ...data, authorName: 'Former member', text: '(erased)' }]);
    const [published] = await query<{ data: string; event_id: string }>(
      em(),
      'select event_id, coalesce(publish_data, data)::text as data from mutuo_events where stream_id = ?',
      [stream],
    );
    expect(JSON.parse((await codec.openPublished(em(), [{ eventId: published!.event_id, data: published!.data }]))[0]!.data)).toEqual({ summary: '(erased)' });
  });

  it('given an erased author who writes again, then the new note gets a new key and the old one stays erased', async () => {
    const authorId = randomUUID();
    const before = await write(authorId, 'Snodgrass before');
    await destroyPersonalDataKey(em(), authorId);
    const after = await write(authorId, 'Snodgrass after');
    expect((await store.readStream(em(), before.stream)).events[0]!.data).toMatchObject({ text: '(erased)' });
    expect((await store.readStream(em(), after.stream)).events[0]!.data).toEqual(after.data);
  });

  it('given an event without an owner or written before sealing, then it is stored and read as it is', async () => {
    const stream = streamName('note', podId, randomUUID());
    const plain = { noteId: randomUUID(), authorName: 'Plain Text', text: 'written before', count: 2 };
    await new PostgresEventStore().append(em(), stream, [{ type: 'NoteWritten', data: plain, metadata }], 'no_stream');
    expect((await rawRows(stream))[0]!.text).toContain('Plain Text');
    expect((await store.readStream(em(), stream)).events.map((event) => event.data)).toEqual([plain]);
  });
});
