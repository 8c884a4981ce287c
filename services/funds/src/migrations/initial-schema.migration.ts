import { Migration } from '@mikro-orm/migrations';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { INBOX_SCHEMA_SQL } from '@mutuo/messaging';
import { podRowLevelSecuritySql } from '@mutuo/platform';

export class InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql(INBOX_SCHEMA_SQL);
    this.addSql(`
      create table accounts (
        id uuid primary key,
        pod_id uuid not null,
        kind text not null,
        unit text not null check (unit = 'HOUR' or unit ~ '^[A-Z]{3}$'),
        balance_minor bigint not null default 0,
        floor_minor bigint not null default 0,
        opened_at timestamptz not null,
        constraint accounts_balance_above_floor check (balance_minor >= floor_minor)
      );
      create index accounts_pod_idx on accounts (pod_id);
    `);
    this.addSql(podRowLevelSecuritySql('accounts'));
  }
}

export const FUNDS_MIGRATIONS = [{ name: 'Migration20261125000000_initial_schema', class: InitialSchema }];
