import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which the pause-return scheduler opts in to reading due returns across pods. */
export const PAUSE_SCAN_SETTING = 'mutuo.member_pauses_scan';
export const PAUSE_SCAN_VALUE = 'due-returns';

/**
 * Read models of members' profiles, contact channels, precise locations, blocks, boundaries and pauses.
 * Contact channels and precise points live in tables of their own, read only after the privacy check.
 */
export class MemberSettingsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table member_profiles (
        member_id uuid primary key,
        pod_id uuid not null,
        pronouns text null,
        languages jsonb not null,
        skills jsonb not null,
        location_cell text null check (location_cell ~ '^[0-9b-hjkmnp-z]{6}$'),
        updated_at timestamptz not null
      );
      create index member_profiles_pod_cell_idx on member_profiles (pod_id, location_cell);

      create table member_contact_channels (
        channel_id uuid primary key,
        member_id uuid not null,
        pod_id uuid not null,
        kind text not null check (kind in ('email', 'phone', 'messaging')),
        value text not null,
        verified boolean not null,
        preferred boolean not null,
        added_at timestamptz not null
      );
      create index member_contact_channels_member_idx on member_contact_channels (member_id, added_at);

      create table member_precise_locations (
        member_id uuid primary key,
        pod_id uuid not null,
        lat double precision not null check (lat between -90 and 90),
        lon double precision not null check (lon between -180 and 180)
      );

      create table member_blocks (
        blocker_member_id uuid not null,
        blocked_member_id uuid not null,
        pod_id uuid not null,
        blocked_at timestamptz not null,
        constraint member_blocks_pkey primary key (blocker_member_id, blocked_member_id)
      );
      create index member_blocks_blocked_idx on member_blocks (blocked_member_id);

      create table member_boundaries (
        member_id uuid primary key,
        pod_id uuid not null,
        availability jsonb not null,
        weekly_capacity_hours double precision not null check (weekly_capacity_hours between 0 and 168),
        quiet_hours_start text null,
        quiet_hours_end text null,
        timezone text not null,
        updated_at timestamptz not null
      );

      create table member_pauses (
        member_id uuid primary key,
        pod_id uuid not null,
        paused_at timestamptz not null,
        return_at timestamptz null
      );
      create index member_pauses_due_idx on member_pauses (return_at) where return_at is not null;
    `);
    for (const table of ['member_profiles', 'member_contact_channels', 'member_precise_locations', 'member_blocks', 'member_boundaries', 'member_pauses']) {
      this.addSql(podRowLevelSecuritySql(table));
    }
    // The scheduler has to find due returns in every pod. Only a transaction that sets this setting on
    // purpose sees other pods' pauses, and only to read them; writes still need the pod.
    this.addSql(`
      create policy member_pauses_due_scan on member_pauses as permissive for select
        using (current_setting('${PAUSE_SCAN_SETTING}', true) = '${PAUSE_SCAN_VALUE}');
    `);
  }
}

export const MEMBER_SETTINGS_MIGRATION = { name: 'Migration20261202000000_member_settings', class: MemberSettingsSchema };
