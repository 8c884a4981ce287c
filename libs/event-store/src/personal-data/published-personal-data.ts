import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../sql';
import type { BrokerMessage, PublicationLedger, PublishedPersonalData } from '../types';

/**
 * Where the outbox relay published personal data in clear: one row per JetStream message and data key. Integration
 * events carry names and titles their consumers need, so they leave opened; once the key is destroyed (erasure)
 * the relay erases those messages from the stream and forgets the rows. Rows older than the stream's retention
 * are forgotten too (the broker dropped the message by then).
 */
export const PUBLISHED_PERSONAL_DATA_SCHEMA_SQL = `
create table if not exists mutuo_published_personal_data (
  stream text not null,
  seq bigint not null check (seq > 0),
  -- The data key whose fields the message carries opened; no foreign key: the key is deleted first, on purpose.
  key_id uuid not null,
  published_at timestamptz not null default clock_timestamp(),
  primary key (key_id, stream, seq)
);
create index if not exists mutuo_published_personal_data_published_at on mutuo_published_personal_data (published_at);
`;

async function recordPublications(em: EntityManager, publications: readonly PublishedPersonalData[]): Promise<void> {
  const rows = publications.flatMap(({ stream, seq, keyIds }) => keyIds.map((keyId) => ({ key_id: keyId, stream, seq })));
  if (rows.length === 0) return;
  await query(
    em,
    `insert into mutuo_published_personal_data (key_id, stream, seq)
     select p.key_id, p.stream, p.seq from jsonb_to_recordset(?::jsonb) as p(key_id uuid, stream text, seq bigint)
     on conflict do nothing`,
    [JSON.stringify(rows)],
  );
}

/**
 * Messages that carry personal data whose key no longer exists, oldest first: each to be erased from the broker.
 * A message that also carries someone else's live key is erased as well: it would otherwise keep the erased text.
 */
async function erasedPublications(em: EntityManager, limit: number): Promise<BrokerMessage[]> {
  return query<{ stream: string; seq: string }>(
    em,
    `select distinct p.stream, p.seq from mutuo_published_personal_data p
     where not exists (select 1 from mutuo_personal_data_keys k where k.key_id = p.key_id)
     order by p.stream, p.seq limit ?`,
    [limit],
  ).then((rows) => rows.map((row) => ({ stream: row.stream, seq: Number(row.seq) })));
}

/** Forgets erased messages. */
async function forgetPublications(em: EntityManager, messages: readonly BrokerMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await query(
    em,
    `delete from mutuo_published_personal_data p using jsonb_to_recordset(?::jsonb) as m(stream text, seq bigint)
     where p.stream = m.stream and p.seq = m.seq`,
    [JSON.stringify(messages)],
  );
}

/** Forgets what was published to `stream` before `olderThan`: the stream no longer keeps those messages. */
async function forgetPublicationsBefore(em: EntityManager, stream: string, olderThan: Date): Promise<void> {
  await query(em, 'delete from mutuo_published_personal_data where stream = ? and published_at < ?', [stream, olderThan.toISOString()]);
}

/** The streams personal data was published to. */
async function publicationStreams(em: EntityManager): Promise<string[]> {
  const rows = await query<{ stream: string }>(em, 'select distinct stream from mutuo_published_personal_data');
  return rows.map((row) => row.stream);
}

export const publishedPersonalDataLedger: PublicationLedger = {
  record: recordPublications,
  erased: erasedPublications,
  forget: forgetPublications,
  forgetBefore: forgetPublicationsBefore,
  streams: publicationStreams,
};
