import { Migration } from '@mikro-orm/migrations';
import { PERSONAL_DATA_KEYS_SCHEMA_SQL } from '@mutuo/event-store';

/** Members' data keys for crypto-shredding the texts notifications wrote to them. */
export class PersonalDataKeysSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(PERSONAL_DATA_KEYS_SCHEMA_SQL);
  }
}

export const PERSONAL_DATA_KEYS_MIGRATION = { name: 'Migration20261126010000_personal_data_keys', class: PersonalDataKeysSchema };
