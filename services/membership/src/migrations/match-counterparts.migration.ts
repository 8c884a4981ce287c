import { Migration } from '@mikro-orm/migrations';
import { INBOX_SCHEMA_SQL } from '@mutuo/messaging';

/**
 * Membership's first consumed events: the inbox of its durable consumer, and the pairs of members an accepted match
 * (matching.match-made.v1) lets see each other's contact channels until it is withdrawn. The two may belong to
 * different pods, so the table has no pod policy; it holds ids only, and only the membership runtime role reads it.
 */
export class MatchCounterparts extends Migration {
  override async up(): Promise<void> {
    this.addSql(INBOX_SCHEMA_SQL);
    this.addSql(`
      create table match_counterparts (
        match_id uuid primary key,
        requester_member_id uuid not null,
        requester_pod_id uuid not null,
        helper_member_id uuid not null,
        helper_pod_id uuid not null,
        matched_at timestamptz not null,
        withdrawn_at timestamptz null
      );
      create index match_counterparts_requester_idx on match_counterparts (requester_member_id) where withdrawn_at is null;
      create index match_counterparts_helper_idx on match_counterparts (helper_member_id) where withdrawn_at is null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists match_counterparts;');
  }
}

export const MATCH_COUNTERPARTS_MIGRATION = { name: 'Migration20261226100000_match_counterparts', class: MatchCounterparts };
