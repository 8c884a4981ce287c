import { APPEND_NOTIFICATIONS_SCHEMA_SQL } from './append-notifications/append-notifications.sql';

/**
 * Tables owned by the event store. Each service's first MikroORM migration adds this SQL (tables added later
 * also come with their own migration in EVENT_STORE_MIGRATIONS, for databases created before them),
 * so events and read models live in the service's own database and can be written in one
 * transaction. There is no separate outbox table: an event that leaves the service carries its
 * NATS subject in its own row (`publish_subject`, plus `publish_data` when it publishes other data
 * than its own), the outbox relay builds the message from the row when it publishes it, and keeps
 * only its position in the global order (`mutuo_outbox_checkpoints`).
 *
 * Global order: `transaction_id` (the writer's xid8) plus `global_position`. A reader only
 * takes rows whose transaction id is below the oldest transaction still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`), so a transaction that commits late can never
 * be skipped: its rows sort after the reader's checkpoint once they become visible.
 */
/**
 * Events a projection could not apply, set aside so it can go on with the others (see ProjectionRunner). `failed`:
 * applying it threw; `waiting-behind`: a later event of a stream that has a parked event, kept back so the stream's
 * events are applied in order. `ProjectionRunner.retryParked` applies them after a fix and removes them.
 */
export const PARKED_EVENTS_SCHEMA_SQL = `
create table if not exists mutuo_parked_events (
  projection text not null,
  event_id uuid not null,
  global_position bigint not null,
  transaction_id xid8 not null,
  stream_id text not null,
  stream_position integer not null,
  pod_id uuid null,
  event_type text not null,
  reason text not null check (reason in ('failed', 'waiting-behind')),
  error text not null,
  attempts integer not null default 1,
  parked_at timestamptz not null default clock_timestamp(),
  last_attempt_at timestamptz not null default clock_timestamp(),
  constraint mutuo_parked_events_pkey primary key (projection, event_id)
);
create index if not exists mutuo_parked_events_stream_idx on mutuo_parked_events (projection, stream_id, stream_position);
`;

export const EVENT_STORE_SCHEMA_SQL = `
create table if not exists mutuo_events (
  global_position bigserial not null,
  transaction_id xid8 not null default pg_current_xact_id(),
  event_id uuid not null,
  stream_id text not null,
  stream_position integer not null check (stream_position > 0),
  pod_id uuid null,
  type text not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default clock_timestamp(),
  -- Set only for events that leave the service: the row is its own outbox entry. The relay builds the
  -- message from the row; publish_data only when the published data differs from data.
  publish_subject text null,
  publish_data jsonb null,
  constraint mutuo_events_pkey primary key (global_position),
  constraint mutuo_events_event_id_key unique (event_id),
  constraint mutuo_events_stream_position_key unique (stream_id, stream_position),
  constraint mutuo_events_publish_data_has_subject check (publish_data is null or publish_subject is not null)
);
create index if not exists mutuo_events_global_order_idx on mutuo_events (transaction_id, global_position);
create index if not exists mutuo_events_pod_idx on mutuo_events (pod_id, global_position);
-- The relay's reading order, over the published events only.
create index if not exists mutuo_events_publish_order_idx on mutuo_events (transaction_id, global_position)
  where publish_subject is not null;

-- Append-only: a mistake is corrected by a new event, never by editing history.
create or replace function mutuo_events_are_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'mutuo_events is append-only (% refused)', tg_op using errcode = 'P0001';
end $$;
drop trigger if exists mutuo_events_append_only on mutuo_events;
create trigger mutuo_events_append_only before update or delete on mutuo_events
  for each row execute function mutuo_events_are_immutable();

-- The relay's position in the global order: it publishes the events after it, then moves past them.
create table if not exists mutuo_outbox_checkpoints (
  relay text not null,
  transaction_id xid8 not null default '0'::xid8,
  global_position bigint not null default 0,
  updated_at timestamptz null,
  constraint mutuo_outbox_checkpoints_pkey primary key (relay)
);

create table if not exists mutuo_projection_checkpoints (
  projection text not null,
  transaction_id xid8 not null default '0'::xid8,
  global_position bigint not null default 0,
  updated_at timestamptz not null default clock_timestamp(),
  constraint mutuo_projection_checkpoints_pkey primary key (projection)
);
${PARKED_EVENTS_SCHEMA_SQL}
${APPEND_NOTIFICATIONS_SCHEMA_SQL}`;
