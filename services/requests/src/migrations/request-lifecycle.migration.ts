import { Migration } from '@mikro-orm/migrations';
import { PERSONAL_DATA_KEYS_SCHEMA_SQL } from '@mutuo/event-store';
import { INBOX_SCHEMA_SQL } from '@mutuo/messaging';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which the expiry job opts in to reading due requests and offers across pods. */
export const EXPIRY_SCAN_SETTING = 'mutuo.requests_expiry_scan';
export const EXPIRY_SCAN_VALUE = 'due';

/**
 * The whole lifecycle of requests and offers, shared resources and incidents. Every read model is pod-scoped by
 * row-level security; only the public token lookup is not, since an anonymous fridge visitor has no pod yet.
 */
export class RequestLifecycleSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(INBOX_SCHEMA_SQL);
    // Per-member data keys of crypto-shredding (what members wrote is sealed with them; erasure destroys the key).
    this.addSql(PERSONAL_DATA_KEYS_SCHEMA_SQL);
    this.addSql(`
      alter table request_details
        add column anonymous boolean not null default false,
        add column posted_by_member_id uuid null,
        add column subcategory text null,
        add column window_from timestamptz null,
        add column window_until timestamptz null,
        add column window_rrule text null,
        add column window_duration_minutes integer null,
        add column location_cell text null,
        add column cell_lat double precision null,
        add column cell_lon double precision null,
        add column precise_lat double precision null,
        add column precise_lon double precision null,
        add column visibility text not null default 'pod',
        add column quantity integer null,
        add column incident_id uuid null,
        add column respond_by timestamptz null,
        add column first_matched_at timestamptz null,
        add column fulfilled_at timestamptz null,
        add column closed_at timestamptz null,
        add column helper_member_ids uuid[] not null default '{}',
        add column hours_given_minutes integer null,
        add column author_erased boolean not null default false;
      create index request_details_open_category_idx on request_details (pod_id, category, posted_at desc, id desc) where status = 'open';
      create index request_details_open_urgency_idx on request_details (pod_id, urgency, posted_at desc, id desc) where status = 'open';
      create index request_details_open_cell_idx on request_details (pod_id, location_cell text_pattern_ops) where status = 'open';
      create index request_details_incident_idx on request_details (pod_id, incident_id) where incident_id is not null;
      create index request_details_requester_idx on request_details (pod_id, requester_member_id);
      create index request_details_expiry_idx on request_details (window_until) where status in ('open', 'matched');

      create table request_timeline (
        request_id uuid not null,
        pod_id uuid not null,
        position integer not null,
        kind text not null,
        at timestamptz not null,
        actor_member_id uuid null,
        details jsonb not null,
        constraint request_timeline_pkey primary key (request_id, position)
      );

      create table offers (
        id uuid primary key,
        pod_id uuid not null,
        offerer_member_id uuid not null,
        title text not null,
        description text not null,
        language text not null,
        category text not null,
        subcategory text null,
        window_from timestamptz null,
        window_until timestamptz null,
        window_rrule text null,
        window_duration_minutes integer null,
        location_cell text null,
        precise_lat double precision null,
        precise_lon double precision null,
        visibility text not null,
        quantity integer null,
        remaining_quantity integer null,
        status text not null,
        close_reason text null,
        posted_at timestamptz not null,
        author_erased boolean not null default false,
        version integer not null
      );
      create index offers_open_idx on offers (pod_id, posted_at desc, id desc) where status = 'open';
      create index offers_open_category_idx on offers (pod_id, category, posted_at desc, id desc) where status = 'open';
      create index offers_expiry_idx on offers (window_until) where status in ('open', 'paused');

      create table shared_resources (
        id uuid primary key,
        pod_id uuid not null,
        kind text not null,
        name text not null,
        lat double precision not null,
        lon double precision not null,
        opening_hours jsonb not null,
        status text not null,
        stock jsonb not null default '[]',
        last_updated_at timestamptz null,
        registered_at timestamptz not null
      );
      -- Not pod-scoped on purpose: an anonymous visitor only has the token, which names the resource and its pod.
      create table shared_resource_tokens (
        token text primary key,
        resource_id uuid not null unique,
        pod_id uuid not null
      );
      -- Per-IP limit of anonymous entries: the address is kept only as a keyed hash, per short window.
      create table shared_entry_rate_limits (
        bucket text not null,
        window_start timestamptz not null,
        hits integer not null,
        constraint shared_entry_rate_limits_pkey primary key (bucket, window_start)
      );

      create table incidents (
        id uuid primary key,
        pod_id uuid not null,
        name text not null,
        type text not null,
        area jsonb not null,
        started_at timestamptz not null,
        status text not null,
        declared_at timestamptz not null,
        closed_at timestamptz null,
        summary jsonb null
      );
      create index incidents_open_idx on incidents (pod_id) where status = 'open';
    `);
    for (const table of ['request_timeline', 'offers', 'shared_resources', 'incidents']) this.addSql(podRowLevelSecuritySql(table));
    // The expiry job finds due requests and offers in every pod; it sets this setting on purpose, to read only.
    this.addSql(`
      create policy request_details_expiry_scan on request_details as permissive for select
        using (current_setting('${EXPIRY_SCAN_SETTING}', true) = '${EXPIRY_SCAN_VALUE}');
      create policy offers_expiry_scan on offers as permissive for select
        using (current_setting('${EXPIRY_SCAN_SETTING}', true) = '${EXPIRY_SCAN_VALUE}');
    `);
  }
}

export const REQUEST_LIFECYCLE_MIGRATION = { name: 'Migration20261126000000_request_lifecycle', class: RequestLifecycleSchema };
