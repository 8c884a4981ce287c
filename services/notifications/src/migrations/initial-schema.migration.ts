import { Migration } from '@mikro-orm/migrations';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { INBOX_SCHEMA_SQL } from '@mutuo/messaging';
import { podRowLevelSecuritySql } from '@mutuo/platform';

export class InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql(INBOX_SCHEMA_SQL);
    this.addSql(`
      create table recipients (
        member_id uuid primary key,
        pod_id uuid not null,
        display_name text not null,
        preferred_language text not null
      );
      create table inbox_notifications (
        id uuid primary key,
        pod_id uuid not null,
        recipient_member_id uuid not null,
        kind text not null,
        subject_id text not null,
        text text not null,
        locale text not null,
        channel text not null,
        recorded_at timestamptz not null,
        read_at timestamptz null
      );
      create index inbox_notifications_recipient_idx on inbox_notifications (recipient_member_id, recorded_at desc);
    `);
    this.addSql(podRowLevelSecuritySql('recipients'));
    this.addSql(podRowLevelSecuritySql('inbox_notifications'));
  }
}

export const NOTIFICATIONS_MIGRATIONS = [{ name: 'Migration20261125000000_initial_schema', class: InitialSchema }];
