import { Migration } from '@mikro-orm/migrations';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { podRowLevelSecuritySql } from '@mutuo/platform';

export class InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql(`
      create table request_details (
        id uuid primary key,
        pod_id uuid not null,
        requester_member_id uuid not null,
        title text not null,
        description text not null,
        language text not null,
        category text not null,
        urgency text not null,
        status text not null,
        posted_at timestamptz not null,
        version integer not null
      );
      create index request_details_open_idx on request_details (pod_id, posted_at desc, id desc) where status = 'open';
    `);
    this.addSql(podRowLevelSecuritySql('request_details'));
  }
}

export const REQUESTS_MIGRATIONS = [{ name: 'Migration20261125000000_initial_schema', class: InitialSchema }];
