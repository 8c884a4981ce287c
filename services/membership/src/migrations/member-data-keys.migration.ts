import { Migration } from '@mikro-orm/migrations';
import { PERSONAL_DATA_KEYS_SCHEMA_SQL } from '@mutuo/event-store';

/**
 * Each member's data key (AES-256-GCM), which seals the personal fields of their events (`mutuo_personal_data_keys`,
 * libs/event-store). Kept out of the event store on purpose: erasure deletes the row (crypto-shredding), and the
 * events stay as they were. The outbox relay and projections of every pod read it, so it has no pod policy; only
 * the membership runtime role reads it.
 */
export class MemberDataKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(PERSONAL_DATA_KEYS_SCHEMA_SQL);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists mutuo_personal_data_keys;');
  }
}

export const MEMBER_DATA_KEYS_MIGRATION = { name: 'Migration20261226000000_member_data_keys', class: MemberDataKeys };
