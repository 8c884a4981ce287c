import { Migration } from '@mikro-orm/migrations';
import { APPEND_NOTIFICATIONS_SCHEMA_SQL } from './append-notifications.sql';

/** Adds the append notification trigger to a service database; the service kit lists it after the service's migrations. */
export class AppendNotificationsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(APPEND_NOTIFICATIONS_SCHEMA_SQL);
  }
}

export const APPEND_NOTIFICATIONS_MIGRATION = { name: 'Migration20261207180000_event_store_append_notifications', class: AppendNotificationsSchema };
