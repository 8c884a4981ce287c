import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/**
 * Who may not be asked right now: paused helpers (membership's member-paused / member-returned) and pairs
 * in a block (member-blocked / member-unblocked). Each row keeps the version of the membership stream
 * event it came from, so a redelivered older event never undoes a newer one.
 */
export class HelperAvailabilitySchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table pod_helpers add column paused boolean not null default false;
      alter table pod_helpers add column pause_version integer not null default 0;
      create table helper_blocks (
        blocker_member_id uuid not null,
        blocked_member_id uuid not null,
        pod_id uuid not null,
        active boolean not null,
        stream_version integer not null,
        constraint helper_blocks_pkey primary key (blocker_member_id, blocked_member_id)
      );
      create index helper_blocks_blocked_idx on helper_blocks (blocked_member_id) where active;
    `);
    this.addSql(podRowLevelSecuritySql('helper_blocks'));
  }
}

export const HELPER_AVAILABILITY_MIGRATION = { name: 'Migration20261202000000_helper_availability', class: HelperAvailabilitySchema };
