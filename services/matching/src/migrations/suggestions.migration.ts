import { Migration } from '@mikro-orm/migrations';
import { PERSONAL_DATA_KEYS_SCHEMA_SQL } from '@mutuo/event-store';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** A transaction that sets this on purpose may read candidates of every pod (escalation to neighbouring pods). */
export const MATCHING_SCAN_SETTING = 'mutuo.matching_scan';
export const MATCHING_SCAN_VALUE = 'region-candidates';

const regionScanPolicy = (table: string) => `
  create policy ${table}_region_scan on ${table} as permissive for select
    using (current_setting('${MATCHING_SCAN_SETTING}', true) = '${MATCHING_SCAN_VALUE}');`;

/** Rows two pods share (a cross-pod suggestion or match): each pod sees its side of it. */
const twoPodPolicy = (table: string) => `
  alter table ${table} enable row level security;
  alter table ${table} force row level security;
  create policy ${table}_pod_isolation on ${table} as permissive for all
    using (pod_id = nullif(current_setting('mutuo.pod_id', true), '')::uuid
        or helper_pod_id = nullif(current_setting('mutuo.pod_id', true), '')::uuid)
    with check (pod_id = nullif(current_setting('mutuo.pod_id', true), '')::uuid
        or helper_pod_id = nullif(current_setting('mutuo.pod_id', true), '')::uuid);`;

/**
 * Read models of suggestions and matches. Candidate selection is index-backed: `helper_search` holds one row per
 * helper and skill with the helper's coarse cell (geohash precision 5, '~' when unknown), ordered by when they last
 * helped, so one request reads a bounded slice per (pod, skill, cell) instead of scanning the pod; `open_offers`
 * is indexed the same way by category and cell.
 */
export class SuggestionsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table pod_helpers
        add column languages text[] not null default '{}',
        add column skills text[] not null default '{}',
        add column location_cell text,
        add column profile_changed_at timestamptz,
        add column availability jsonb,
        add column timezone text,
        add column quiet_start text,
        add column quiet_end text,
        add column weekly_capacity_hours numeric,
        add column boundaries_version integer not null default 0,
        add column active_matches integer not null default 0,
        add column last_helped_at timestamptz,
        add column left_at timestamptz;

      create table helper_search (
        member_id uuid not null,
        pod_id uuid not null,
        skill text not null,
        cell5 text not null,
        last_helped_at timestamptz,
        constraint helper_search_pkey primary key (member_id, skill)
      );
      create index helper_search_cell_idx on helper_search (pod_id, skill, cell5, last_helped_at nulls first, member_id);
      create index helper_search_pod_idx on helper_search (pod_id, skill, last_helped_at nulls first, member_id);
      create index helper_search_cell_member_idx on helper_search (pod_id, skill, cell5, member_id);
      create index helper_search_pod_member_idx on helper_search (pod_id, skill, member_id);

      create table open_offers (
        offer_id uuid primary key,
        pod_id uuid not null,
        helper_member_id uuid not null,
        category text not null,
        subcategory text,
        language text,
        location_cell text,
        cell5 text not null,
        status text not null,
        version_at timestamptz not null
      );
      create index open_offers_cell_idx on open_offers (pod_id, category, cell5, version_at) where status = 'open';
      create index open_offers_pod_idx on open_offers (pod_id, category, version_at) where status = 'open';
      create index open_offers_helper_idx on open_offers (helper_member_id);

      create table matching_pods (
        pod_id uuid primary key,
        region_id uuid,
        center_lat double precision,
        center_lon double precision,
        escalate_to_neighbours boolean not null default false,
        request_visibility text not null default 'pod',
        settings_changed_at timestamptz,
        emergency_deadline_minutes integer not null default 30,
        urgent_deadline_minutes integer not null default 240,
        normal_deadline_minutes integer not null default 2880
      );
      create index matching_pods_region_idx on matching_pods (region_id);

      create table tracked_requests (
        request_id uuid primary key,
        pod_id uuid not null,
        requester_member_id uuid,
        title text,
        category text not null,
        subcategory text,
        urgency text not null,
        language text,
        location_cell text,
        needed_from timestamptz,
        needed_until timestamptz,
        visibility text not null default 'pod',
        posted_at timestamptz not null,
        facts_changed_at timestamptz not null,
        status text not null default 'open',
        escalated_at timestamptz,
        escalated_to uuid[] not null default '{}',
        -- What the pod let leave it when escalating (RequestEscalated.shared).
        escalation_shared jsonb
      );
      create index tracked_requests_open_idx on tracked_requests (posted_at) where status = 'open' and escalated_at is null;
      create index tracked_requests_pod_idx on tracked_requests (pod_id, status, posted_at);
      create index tracked_requests_offer_fit_idx on tracked_requests (pod_id, category, (coalesce(left(location_cell, 5), '~')), posted_at) where status = 'open';
      create index tracked_requests_escalated_idx on tracked_requests using gin (escalated_to) where status = 'open';

      create table suggestions_view (
        suggestion_id uuid primary key,
        request_id uuid not null,
        pod_id uuid not null,
        helper_member_id uuid,
        helper_pod_id uuid not null,
        offer_id uuid,
        score double precision not null,
        parts jsonb not null,
        source text not null,
        status text not null,
        assigned boolean not null default false,
        round integer not null,
        expires_at timestamptz not null,
        made_at timestamptz not null,
        answered_at timestamptz,
        decline_reason text,
        feedback_verdict text,
        feedback_reason text,
        feedback_by_member_id uuid,
        -- For a suggestion escalated from another pod: what that pod shared about the request.
        shared jsonb
      );
      create index suggestions_view_request_idx on suggestions_view (request_id, score desc);
      create index suggestions_view_helper_idx on suggestions_view (helper_member_id, status);
      create index suggestions_view_offer_idx on suggestions_view (offer_id) where offer_id is not null;

      create table matches_view (
        match_id uuid primary key,
        request_id uuid not null,
        pod_id uuid not null,
        helper_pod_id uuid not null,
        offer_id uuid,
        suggestion_id uuid not null,
        requester_member_id uuid,
        helper_member_id uuid,
        via text not null,
        status text not null,
        matched_at timestamptz not null,
        ended_at timestamptz,
        withdrawn_by text,
        withdraw_reason text
      );
      create index matches_view_request_idx on matches_view (request_id, matched_at desc);
      create index matches_view_offer_idx on matches_view (offer_id) where offer_id is not null;

      -- Tombstones (ids only, nothing personal), readable from every pod: a cross-pod row must see its helper's erasure too.
      create table erased_members (
        member_id uuid primary key,
        pod_id uuid not null,
        erased_at timestamptz not null
      );
    `);
    this.addSql(PERSONAL_DATA_KEYS_SCHEMA_SQL);
    this.addSql(podRowLevelSecuritySql('helper_search'));
    this.addSql(podRowLevelSecuritySql('open_offers'));
    this.addSql(podRowLevelSecuritySql('tracked_requests'));
    this.addSql(twoPodPolicy('suggestions_view'));
    this.addSql(twoPodPolicy('matches_view'));
    for (const table of ['pod_helpers', 'helper_search', 'helper_blocks', 'open_offers', 'tracked_requests']) this.addSql(regionScanPolicy(table));
  }
}

export const SUGGESTIONS_MIGRATION = { name: 'Migration20261203000000_suggestions', class: SuggestionsSchema };
