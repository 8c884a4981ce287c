import { Migration } from '@mikro-orm/migrations';

/** The member directory pages a pod's active members by display name, then id: one index walk per page. */
export class MemberDirectoryIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index members_directory_idx on members (pod_id, display_name, id) where status = 'active';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists members_directory_idx;');
  }
}

export const MEMBER_DIRECTORY_MIGRATION = { name: 'Migration20261220000000_member_directory', class: MemberDirectoryIndex };
