import { Migration } from '@mikro-orm/migrations';
import { APPEND_NOTIFICATIONS_MIGRATION } from './append-notifications/append-notifications.migration';
import { PARKED_EVENTS_SCHEMA_SQL } from './schema';

/**
 * Adds the parked-events table to databases whose first migration predates it (a new database already has it from
 * EVENT_STORE_SCHEMA_SQL; the SQL is idempotent). The service kit appends it to every service's migrations.
 */
export class ParkedEventsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(PARKED_EVENTS_SCHEMA_SQL);
  }
}

export const EVENT_STORE_MIGRATIONS = [
  { name: 'Migration20261207000000_event_store_parked_events', class: ParkedEventsSchema },
  APPEND_NOTIFICATIONS_MIGRATION,
] as const;
