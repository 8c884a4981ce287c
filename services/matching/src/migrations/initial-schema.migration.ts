import { Migration } from '@mikro-orm/migrations';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { INBOX_SCHEMA_SQL } from '@mutuo/messaging';
import { podRowLevelSecuritySql } from '@mutuo/platform';

export class InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql(INBOX_SCHEMA_SQL);
    this.addSql(`
      create table pod_helpers (
        member_id uuid primary key,
        pod_id uuid not null,
        joined_at timestamptz not null
      );
      create index pod_helpers_pod_idx on pod_helpers (pod_id);
      create table request_matching (
        request_id uuid primary key,
        pod_id uuid not null,
        state text not null,
        candidate_count integer not null,
        evaluated_at timestamptz not null
      );
    `);
    this.addSql(podRowLevelSecuritySql('pod_helpers'));
    this.addSql(podRowLevelSecuritySql('request_matching'));
  }
}

export const MATCHING_MIGRATIONS = [{ name: 'Migration20261125000000_initial_schema', class: InitialSchema }];
