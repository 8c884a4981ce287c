import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type EventDataCodec, type GlobalCheckpoint } from '@mutuo/event-store';

/** An event that leaves the service, as the relay reads it: what its CloudEvent is built from. */
export interface PublishableRow {
  event_id: string;
  /** xid8 and bigint as decimal strings. */
  transaction_id: string;
  global_position: string;
  /** The NATS subject; its tokens give the region, the pod and the contract type. */
  publish_subject: string;
  stream_id: string;
  stream_position: number;
  pod_id: string | null;
  occurred_at: string;
  actor_id: string;
  correlation_id: string | null;
  causation_id: string | null;
  /** The W3C trace context of the append, when it was traced (event metadata). */
  traceparent: string | null;
  tracestate: string | null;
  /** JSON text: `publish_data` when stored, else the event's `data`. */
  data: string;
  /** The data keys whose personal fields `data` carries opened (set by the codec, not stored). */
  personal_key_ids?: readonly string[];
}

export type FetchedBatch = { readonly rows: PublishableRow[] } | { readonly error: unknown };

export function positionOf(row: PublishableRow): GlobalCheckpoint {
  return { transactionId: String(row.transaction_id), globalPosition: String(row.global_position) };
}

/**
 * The events after a checkpoint that leave the service, in the global order and under the same rule as
 * PostgresEventStore.readAll: only transactions older than every transaction still running, so an event
 * whose transaction commits late sorts after the checkpoint when it becomes visible, never before it.
 */
const NEXT_BATCH_SQL = `
  select event_id, transaction_id, global_position, publish_subject, stream_id, stream_position, pod_id,
         metadata ->> 'occurredAt' as occurred_at, metadata ->> 'actorId' as actor_id,
         metadata ->> 'correlationId' as correlation_id, metadata ->> 'causationId' as causation_id,
         metadata ->> 'traceparent' as traceparent, metadata ->> 'tracestate' as tracestate,
         coalesce(publish_data, data)::text as data
  from mutuo_events
  where (transaction_id, global_position) > (?::xid8, ?::bigint)
    and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    and publish_subject is not null
  order by transaction_id, global_position
  limit ?`;

/** Reads the outbox relay's next batch of events to publish, their data opened by the codec when there is one. */
export class OutboxBatchReader {
  constructor(
    private readonly entityManager: EntityManager,
    private readonly batchSize: number,
    private readonly codec: EventDataCodec | undefined,
  ) {}

  /** Never rejects, so a read-ahead nobody waits for any more cannot become an unhandled rejection. */
  fetch(from: GlobalCheckpoint): Promise<FetchedBatch> {
    return query<PublishableRow>(this.entityManager.fork(), NEXT_BATCH_SQL, [from.transactionId, from.globalPosition, this.batchSize], {
      preparedAs: 'mutuo_outbox_next_batch_v4',
    })
      .then((rows) => this.opened(rows))
      .then(
        (rows) => ({ rows }),
        (error: unknown) => ({ error }),
      );
  }

  private async opened(rows: PublishableRow[]): Promise<PublishableRow[]> {
    const codec = this.codec;
    if (!codec || rows.length === 0) return rows;
    const opened = await codec.openPublished(
      this.entityManager.fork(),
      rows.map((row) => ({ eventId: row.event_id, data: row.data })),
    );
    return rows.map((row, index) => ({ ...row, data: opened[index]!.data, personal_key_ids: opened[index]!.personalKeyIds }));
  }
}
