import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which a region steward's query opts in to reading the pod applications of one region. */
export const REGION_READ_SETTING = 'mutuo.region_id';

/**
 * Read models of pods applying to regions, pod settings, agreements and their acknowledgements, invite
 * codes, applications to join, and former members.
 */
export class PodAdmissionSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table pods alter column region_id drop not null;
      alter table pods add column description text null;
      alter table pods add column service_area jsonb null;
      alter table pods add column left_region_at timestamptz null;

      alter table members add column status text not null default 'active' check (status in ('active', 'former'));
      alter table members add column left_at timestamptz null;
      create index members_pod_status_idx on members (pod_id, status, id);

      -- pod_id is the application's id: the id the pod gets when it is approved.
      create table pod_applications (
        pod_id uuid primary key,
        region_id uuid not null,
        applicant_person_id text not null,
        applicant_display_name text not null,
        name text not null,
        description text not null,
        languages jsonb not null,
        timezone text not null,
        service_area jsonb not null,
        status text not null check (status in ('pending', 'approved', 'declined')),
        decline_reason text null,
        submitted_at timestamptz not null,
        decided_at timestamptz null
      );
      create index pod_applications_region_idx on pod_applications (region_id, status, submitted_at, pod_id);

      create table pod_settings (
        pod_id uuid primary key,
        request_visibility text not null check (request_visibility in ('pod', 'region', 'public')),
        escalate_to_neighbours boolean not null,
        admission_mode text not null check (admission_mode in ('open', 'invite-code', 'application')),
        join_questions jsonb not null,
        updated_at timestamptz not null
      );

      create table pod_agreements (
        pod_id uuid not null,
        version integer not null check (version > 0),
        text text not null,
        published_at timestamptz not null,
        published_by_member_id uuid not null,
        constraint pod_agreements_pkey primary key (pod_id, version)
      );

      create table member_agreement_acknowledgements (
        member_id uuid primary key,
        pod_id uuid not null,
        version integer not null check (version > 0),
        acknowledged_at timestamptz not null
      );

      create table invite_codes (
        code_id uuid primary key,
        pod_id uuid not null,
        code_hash text not null unique,
        label text null,
        expires_at timestamptz not null,
        max_uses integer not null check (max_uses > 0),
        uses integer not null check (uses >= 0),
        revoked_at timestamptz null,
        created_at timestamptz not null,
        created_by_member_id uuid not null
      );
      create index invite_codes_pod_idx on invite_codes (pod_id, created_at, code_id);

      create table join_applications (
        member_id uuid primary key,
        pod_id uuid not null,
        display_name text not null,
        preferred_language text not null,
        answers jsonb not null,
        agreements_version integer null,
        status text not null check (status in ('pending', 'approved', 'declined')),
        decline_reason text null,
        submitted_at timestamptz not null,
        decided_at timestamptz null
      );
      create index join_applications_pod_idx on join_applications (pod_id, status, submitted_at, member_id);
    `);
    for (const table of ['pod_applications', 'pod_settings', 'pod_agreements', 'member_agreement_acknowledgements', 'invite_codes', 'join_applications']) {
      this.addSql(podRowLevelSecuritySql(table));
    }
    // A region steward reviews the applications of their whole region, whose pods do not exist yet. Reads stay
    // closed by default: only a transaction that names the region sees its applications, and only to read them.
    this.addSql(`
      create policy pod_applications_region_read on pod_applications as permissive for select
        using (region_id = nullif(current_setting('${REGION_READ_SETTING}', true), '')::uuid);
    `);
  }
}

export const POD_ADMISSION_MIGRATION = { name: 'Migration20261211000000_pod_admission', class: PodAdmissionSchema };
