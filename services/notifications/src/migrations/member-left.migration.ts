import { Migration } from '@mikro-orm/migrations';

/** When a member left their pod (membership's member-left): they are no longer someone a pod's command may name. */
export class MemberLeftSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table recipients add column left_at timestamptz null;`);
  }
}

export const MEMBER_LEFT_MIGRATION = { name: 'Migration20261207113000_member_left', class: MemberLeftSchema };
