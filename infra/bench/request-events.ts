import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { PostgresEventStore, query, streamName, type NewEvent, type PendingEvent } from '@mutuo/event-store';
import { createOutboxMapper, type IntegrationOutboxMessage } from '@mutuo/messaging';

export const PRODUCING_SERVICE = 'requests';
export const BENCH_REGION = 'bench';
/** One pod for every event, as in a busy pod. */
export const BENCH_POD_ID = '0b6f1e54-5d6a-4c8e-9a43-7f2d1c9e8b10';
const ACTOR = 'bench-member';

/** The baseline's table: a row like an event row (uuid key, two jsonb columns), without an event store around it. */
export const BARE_TABLE_SQL = `
create table bench_bare_events (
  id uuid not null primary key,
  stream_id text not null,
  type text not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default clock_timestamp()
);`;

/** The consumer's read model: one row per handled event, written in the inbox transaction. */
export const HANDLED_TABLE_SQL = `
create table bench_handled_events (
  event_id uuid not null primary key,
  handled_at timestamptz not null
);`;

/** The requests service's outbox mapper: RequestPosted leaves the service as requests.request-posted.v1. */
export function requestsOutboxMapper(prefix: string): (event: PendingEvent) => IntegrationOutboxMessage | null {
  return createOutboxMapper({
    service: PRODUCING_SERVICE,
    region: BENCH_REGION,
    prefix,
    map: (event) => (event.type === 'RequestPosted' ? { contract: RequestPostedV1, data: event.data } : null),
  });
}

export function requestsEventStore(prefix: string, onAppended?: () => void): PostgresEventStore {
  return new PostgresEventStore({ outbox: requestsOutboxMapper(prefix), onAppended });
}

/**
 * Moves the relay's checkpoint past every event already stored, as if they had been published, so a
 * scenario's relay publishes only the events the scenario appends.
 */
export async function skipToEndOfEvents(em: EntityManager, relayName: string): Promise<void> {
  await query(
    em,
    `insert into mutuo_outbox_checkpoints (relay, transaction_id, global_position, updated_at)
     select ?, coalesce(max(transaction_id), '0'::xid8), coalesce(max(global_position), 0), clock_timestamp() from mutuo_events
     on conflict (relay) do update
       set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = excluded.updated_at`,
    [relayName],
  );
}

export interface StreamEvents {
  readonly streamId: string;
  readonly events: NewEvent[];
}

/** A new `request` stream with `count` RequestPosted events, stamped now. */
export function newRequestStream(count = 1): StreamEvents {
  const requestId = randomUUID();
  const occurredAt = new Date().toISOString();
  const events = Array.from({ length: count }, (_, index) => ({
    type: 'RequestPosted',
    data: {
      requestId,
      podId: BENCH_POD_ID,
      requesterMemberId: memberIdFor(BENCH_POD_ID, ACTOR),
      title: `Soup and bread for a neighbour recovering from surgery #${index + 1}`,
      category: 'meals',
      urgency: 'normal',
      postedAt: occurredAt,
    },
    metadata: { occurredAt, actorId: ACTOR, podId: BENCH_POD_ID, correlationId: `bench-${requestId}` },
  }));
  return { streamId: streamName('request', BENCH_POD_ID, requestId), events };
}

const BARE_COLUMNS = 'insert into bench_bare_events (id, stream_id, type, data, metadata) values ';
const BARE_ROW = '(?, ?, ?, ?::jsonb, ?::jsonb)';

/** The baseline: the same rows as a plain INSERT (one statement, autocommit unless `em` is in a transaction). */
export async function insertBareRows(em: EntityManager, { streamId, events }: StreamEvents): Promise<void> {
  const params = events.flatMap((event) => [randomUUID(), streamId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)]);
  await query(em, BARE_COLUMNS + events.map(() => BARE_ROW).join(', '), params);
}

export interface PayloadSizes {
  /** `data` plus `metadata` as JSON: what both the event row and the baseline row store. */
  readonly eventJsonBytes: number;
  /** What the event row stores besides for its outbox message: the NATS subject (its data is the event's own). */
  readonly outboxBytes: number;
  /** The CloudEvent the relay builds from the row and publishes. */
  readonly cloudEventBytes: number;
}

export function payloadSizes(prefix: string): PayloadSizes {
  const { streamId, events } = newRequestStream(1);
  const event = events[0]!;
  const message = requestsOutboxMapper(prefix)({
    eventId: randomUUID(),
    streamId,
    streamPosition: 1,
    podId: BENCH_POD_ID,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
  if (!message || message.data !== undefined) throw new Error('The benchmark event should publish its own data');
  return {
    eventJsonBytes: Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)),
    outboxBytes: Buffer.byteLength(message.subject),
    cloudEventBytes: Buffer.byteLength(JSON.stringify(message.payload)),
  };
}
