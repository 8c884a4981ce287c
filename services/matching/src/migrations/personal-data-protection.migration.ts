import { Migration } from '@mikro-orm/migrations';
import { PERSONAL_DATA_KEY_WRAPPING_SQL, PUBLISHED_PERSONAL_DATA_SCHEMA_SQL } from '@mutuo/event-store';

/**
 * Members' data keys are stored wrapped with a key-encryption key (PERSONAL_DATA_KEKS; keys stored raw until now
 * are wrapped at the next start), and the outbox relay remembers which JetStream messages carry personal data, so
 * that erasing a member erases them from the broker too (libs/event-store personal-data).
 */
export class PersonalDataProtectionSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(PERSONAL_DATA_KEY_WRAPPING_SQL);
    this.addSql(PUBLISHED_PERSONAL_DATA_SCHEMA_SQL);
  }
}

export const PERSONAL_DATA_PROTECTION_MIGRATION = { name: 'Migration20261207010000_personal_data_protection', class: PersonalDataProtectionSchema };
