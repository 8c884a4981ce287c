import { Migration } from '@mikro-orm/migrations';
import { IDEMPOTENCY_KEYS_SCHEMA_SQL } from './idempotency-keys';

/** Adds the idempotency-key table to a service database; every service lists it after its own migrations. */
export class IdempotencyKeysSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(IDEMPOTENCY_KEYS_SCHEMA_SQL);
  }
}

export const IDEMPOTENCY_KEYS_MIGRATION = { name: 'Migration20261207120000_idempotency_keys', class: IdempotencyKeysSchema };
