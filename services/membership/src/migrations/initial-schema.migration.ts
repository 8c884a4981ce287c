import { Migration } from '@mikro-orm/migrations';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { podRowLevelSecuritySql } from '@mutuo/platform';

export class InitialSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql(`
      create table regions (
        id uuid primary key,
        name text not null,
        slug text not null unique,
        created_at timestamptz not null
      );
      create table pods (
        id uuid primary key,
        pod_id uuid not null,
        region_id uuid not null,
        name text not null,
        languages jsonb not null,
        timezone text not null,
        created_at timestamptz not null
      );
      create index pods_region_idx on pods (region_id);
      create table members (
        id uuid primary key,
        pod_id uuid not null,
        person_id text not null,
        display_name text not null,
        preferred_language text not null,
        joined_at timestamptz not null,
        constraint members_person_once_per_pod unique (pod_id, person_id)
      );
    `);
    this.addSql(podRowLevelSecuritySql('pods'));
    this.addSql(podRowLevelSecuritySql('members'));
  }
}

export const MEMBERSHIP_MIGRATIONS = [{ name: 'Migration20261125000000_initial_schema', class: InitialSchema }];
