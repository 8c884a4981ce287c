import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which the delivery worker opts in to reading due work across pods. */
export const NOTIFICATIONS_SCAN_SETTING = 'mutuo.notifications_scan';
export const NOTIFICATIONS_SCAN_VALUE = 'delivery-worker';

const SCANNED_TABLES = ['deliveries', 'phone_trees', 'area_alerts', 'area_broadcasts', 'recipient_sends'];

/**
 * Channels, preferences and deliveries. `recipients` and `pods` are notifications' copies of what membership
 * publishes; every other table is a projection of notifications' own events, except `area_broadcasts`, the
 * fan-out cursor of an area broadcast.
 */
export class ChannelsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table recipients
        alter column display_name set default '',
        alter column preferred_language set default 'en',
        add column languages text[] not null default '{}',
        add column email text null,
        add column phone text null,
        add column preferred_contact text null check (preferred_contact in ('email', 'sms')),
        add column contacts_changed_at timestamptz null,
        add column location_cell text null,
        add column profile_changed_at timestamptz null,
        add column quiet_start text null,
        add column quiet_end text null,
        add column timezone text null,
        add column paused boolean not null default false,
        add column erased_at timestamptz null;
      create index recipients_pod_idx on recipients (pod_id, member_id);

      create table pods (
        pod_id uuid primary key,
        name text not null,
        languages text[] not null,
        timezone text not null
      );

      create table known_requests (
        request_id uuid primary key,
        pod_id uuid not null,
        requester_member_id uuid not null,
        title text not null
      );

      create table pod_roles (
        pod_id uuid not null,
        term_id uuid not null,
        member_id uuid not null,
        role text not null,
        primary key (pod_id, term_id)
      );

      create table notification_preferences (
        member_id uuid primary key,
        pod_id uuid not null,
        channels text[] not null,
        digests jsonb not null,
        language text null,
        plain_language boolean not null,
        emergencies_override_quiet_hours boolean not null,
        updated_at timestamptz not null
      );

      create table deliveries (
        delivery_id uuid primary key,
        pod_id uuid null,
        notification_id uuid null,
        cause_event_id text not null,
        kind text not null,
        recipient_member_id uuid null,
        endpoint_id uuid null,
        channel text not null,
        status text not null,
        digest text not null,
        held_for_digest boolean not null default false,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        last_error text null,
        provider_message_id text null,
        receipt text null,
        decided_at timestamptz not null,
        sent_at timestamptz null,
        updated_at timestamptz not null
      );
      create index deliveries_due_idx on deliveries (next_attempt_at) where status = 'pending';
      create index deliveries_sending_idx on deliveries (updated_at) where status = 'sending';
      create index deliveries_recent_idx on deliveries (recipient_member_id, channel, sent_at) where sent_at is not null;
      create index deliveries_notification_idx on deliveries (notification_id);
      create index deliveries_provider_idx on deliveries (provider_message_id) where provider_message_id is not null;

      -- What went out to whom, written in the same transaction as the send's outcome: the rate limit reads it.
      create table recipient_sends (
        pod_id uuid not null,
        recipient_member_id uuid not null,
        channel text not null,
        sent_at timestamptz not null
      );
      create index recipient_sends_idx on recipient_sends (recipient_member_id, channel, sent_at);

      create table webhook_endpoints (
        endpoint_id uuid primary key,
        pod_id uuid not null,
        url text not null,
        secret text not null,
        event_types text[] not null,
        status text not null,
        consecutive_failures integer not null,
        last_error text null,
        registered_by text not null,
        registered_at timestamptz not null
      );

      create table phone_trees (
        pod_id uuid primary key,
        status text not null,
        next_deadline timestamptz null,
        tree jsonb not null
      );

      create table area_alerts (
        alert_id uuid primary key,
        pod_id uuid not null,
        incident_id uuid not null,
        msg_type text not null,
        cap_xml text not null,
        recipient_count integer not null,
        issued_at timestamptz not null
      );
      create index area_alerts_incident_idx on area_alerts (incident_id);

      create table area_broadcasts (
        alert_id uuid primary key,
        pod_id uuid not null,
        cause_event_id uuid not null,
        kind text not null,
        area jsonb not null,
        params jsonb not null,
        after_member_id uuid null,
        recipient_count integer not null default 0,
        done boolean not null default false
      );
    `);
    for (const table of [
      'pods',
      'known_requests',
      'pod_roles',
      'recipient_sends',
      'notification_preferences',
      'deliveries',
      'webhook_endpoints',
      'phone_trees',
      'area_alerts',
      'area_broadcasts',
    ]) {
      this.addSql(podRowLevelSecuritySql(table));
    }
    // Sign-in codes belong to no pod: their deliveries are visible only to a transaction scoped to no pod.
    this.addSql(`
      create policy deliveries_without_pod on deliveries as permissive for all
        using (pod_id is null and coalesce(current_setting('mutuo.pod_id', true), '') = '')
        with check (pod_id is null and coalesce(current_setting('mutuo.pod_id', true), '') = '');
    `);
    // The worker finds due work in every pod. Reads stay closed by default: only a transaction that sets this
    // setting on purpose sees other pods' rows, and only to read them; writes still need the pod.
    for (const table of SCANNED_TABLES) {
      this.addSql(`
        create policy ${table}_worker_scan on ${table} as permissive for select
          using (current_setting('${NOTIFICATIONS_SCAN_SETTING}', true) = '${NOTIFICATIONS_SCAN_VALUE}');
      `);
    }
  }
}

export const CHANNELS_MIGRATION = { name: 'Migration20261126000000_channels', class: ChannelsSchema };
