import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/**
 * Membership facts funds checks commands against: who is a member of which pod now (member-joined / member-left),
 * and each region's slug (region-created), since tokens name their region by slug.
 */
export class PodMembersSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table funds_members (
        member_id uuid primary key,
        pod_id uuid not null,
        active boolean not null,
        changed_at timestamptz not null
      );
      create table funds_regions (region_id uuid primary key, slug text not null unique);
    `);
    this.addSql(podRowLevelSecuritySql('funds_members'));
  }
}

export const POD_MEMBERS_MIGRATION = { name: 'Migration20261207000000_pod_members', class: PodMembersSchema };
