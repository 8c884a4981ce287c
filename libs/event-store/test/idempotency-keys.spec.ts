import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Command, Decider, DomainEvent, DomainRuleViolation, eventMetadataFrom } from '@mutuo/domain';
import { CommandHandler } from '../src/command-handler';
import { IDEMPOTENCY_KEYS_SCHEMA_SQL, hashOfInput, type IdempotentCall } from '../src/idempotency/idempotency-keys';
import { PostgresEventStore } from '../src/postgres-event-store';
import { query } from '../src/sql';
import { streamName } from '../src/stream-name';
import { openTestDatabase } from './test-database';

// A note that can only be written once: creating it twice on one stream is refused by the decider.
type NoteState = { status: 'none' } | { status: 'written'; text: string };
type WriteNote = Command<'WriteNote', { text: string }>;
type NoteWritten = DomainEvent<'NoteWritten', { text: string }>;
const note: Decider<NoteState, WriteNote, NoteWritten> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    if (state.status !== 'none') throw new DomainRuleViolation('NOTE_EXISTS', 'Already written');
    return [{ type: 'NoteWritten', data: { text: command.data.text }, metadata: eventMetadataFrom(command.metadata) }];
  },
  evolve: (_state, event) => ({ status: 'written', text: event.data.text }),
};

const podId = randomUUID();
const noteStream = (id: string) => streamName('note', podId, id);
const write = (text: string): WriteNote => ({ type: 'WriteNote', data: { text }, metadata: { now: '2026-12-07T10:00:00.000Z', actorId: 'person-1', podId } });

describe('idempotency keys', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let orm: MikroORM;
  const notes = new CommandHandler(new PostgresEventStore(), note);
  const call = (key: string | null, text: string, actorId = 'person-1'): IdempotentCall => ({ key, podId, actorId, operation: 'notes.write', input: { text } });
  const create = (key: string | null, text: string, actorId?: string) => notes.create(orm.em.fork(), call(key, text, actorId), noteStream, () => write(text));
  const notesWritten = async (text: string) =>
    Number(
      (await query<{ n: string }>(orm.em.fork(), `select count(*) as n from mutuo_events where type = 'NoteWritten' and data->>'text' = ?`, [text]))[0]!.n,
    );

  beforeAll(async () => {
    db = await openTestDatabase(IDEMPOTENCY_KEYS_SCHEMA_SQL);
    orm = db.orm;
  });
  afterAll(() => db.close());

  it('without a key, every call creates anew', async () => {
    const [first, second] = [await create(null, 'keyless'), await create(null, 'keyless')];
    expect(first.id).not.toBe(second.id);
    expect(await notesWritten('keyless')).toBe(2);
  });

  it('a retry with the same key and input returns the first result and creates nothing', async () => {
    const first = await create('retry-1', 'hello');
    const retry = await create('retry-1', 'hello');
    expect(retry).toMatchObject({ id: first.id, state: { status: 'written', text: 'hello' }, version: 1, newEvents: [] });
    expect(first.newEvents).toHaveLength(1);
    expect(await notesWritten('hello')).toBe(1);
  });

  it('a concurrent double submit creates one', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => create('double-submit', 'twice')));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await notesWritten('twice')).toBe(1);
  });

  it('the same key with different input is refused with IDEMPOTENCY_KEY_REUSED, and nothing is written', async () => {
    await create('reused', 'first');
    await expect(create('reused', 'second')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    await expect(notes.create(orm.em.fork(), { ...call('reused', 'first'), operation: 'notes.other' }, noteStream, () => write('first'))).rejects.toMatchObject(
      { code: 'IDEMPOTENCY_KEY_REUSED' },
    );
    expect(await notesWritten('second')).toBe(0);
  });

  it('keys belong to their caller: another actor with the same key creates their own', async () => {
    const mine = await create('shared-key', 'mine', 'person-1');
    const theirs = await create('shared-key', 'mine', 'person-2');
    expect(theirs.id).not.toBe(mine.id);
  });

  it('a creation that fails leaves the key free for the retry', async () => {
    const id = randomUUID();
    await orm.em.fork().transactional((tx) => notes.handle(tx, noteStream(id), write('taken')));
    await expect(notes.create(orm.em.fork(), call('after-failure', 'x'), noteStream, () => write('x'))).resolves.toBeDefined();
    // The decider refuses a second note on an existing stream: the claim rolls back with it.
    await expect(
      notes.create(
        orm.em.fork(),
        call('failing', 'y'),
        () => noteStream(id),
        () => write('y'),
      ),
    ).rejects.toMatchObject({ code: 'NOTE_EXISTS' });
    const retried = await create('failing', 'y');
    expect(retried.newEvents).toHaveLength(1);
  });

  it.each(['', 'x'.repeat(101), 'has space', 'émoji'])('refuses the malformed key %p with BAD_USER_INPUT on idempotencyKey', async (key) => {
    await expect(create(key, 'bad-key')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('hashes input canonically: key order and absent fields do not matter, values do', () => {
    expect(hashOfInput({ a: 1, b: { c: [1, 2], d: null } })).toBe(hashOfInput({ b: { c: [1, 2] }, a: 1 }));
    expect(hashOfInput({ a: 1 })).not.toBe(hashOfInput({ a: 2 }));
  });
});
