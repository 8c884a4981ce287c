/** The PostgreSQL channel every append notifies, once per committed transaction that wrote events. */
export const APPEND_CHANNEL = 'mutuo_events_appended';

/**
 * A statement trigger on `mutuo_events` that notifies APPEND_CHANNEL. PostgreSQL delivers a notification only when
 * its transaction commits, and one per transaction for the same channel and payload, so every instance of the
 * service (relay, projections) learns of a commit at once, whichever instance appended. Idempotent.
 */
export const APPEND_NOTIFICATIONS_SCHEMA_SQL = `
create or replace function mutuo_notify_events_appended() returns trigger language plpgsql as $$
begin
  perform pg_notify('${APPEND_CHANNEL}', '');
  return null;
end
$$;
drop trigger if exists mutuo_events_appended on mutuo_events;
create trigger mutuo_events_appended after insert on mutuo_events for each statement execute function mutuo_notify_events_appended();
`;
