import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which the role-term scheduler opts in to reading due terms across pods. */
export const ROLE_TERMS_SCAN_SETTING = 'mutuo.role_terms_scan';
export const ROLE_TERMS_SCAN_VALUE = 'due-terms';

/** Read models of rotating roles: terms (current and past), the pod's role policy and the role history. */
export class RoleTermsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table role_terms (
        term_id uuid primary key,
        pod_id uuid not null,
        member_id uuid not null,
        role text not null,
        term_start timestamptz not null,
        term_end timestamptz not null,
        warn_from timestamptz not null,
        consecutive_terms integer not null check (consecutive_terms > 0),
        warned_at timestamptz null,
        grace_until timestamptz null,
        status text not null check (status in ('active', 'grace', 'ended')),
        ended_at timestamptz null,
        end_reason text null check (end_reason in ('renewed', 'handed-over', 'stepped-down', 'lapsed'))
      );
      create index role_terms_pod_role_idx on role_terms (pod_id, role) where status <> 'ended';
      create index role_terms_pod_member_idx on role_terms (pod_id, member_id) where status <> 'ended';
      create index role_terms_due_idx on role_terms (coalesce(grace_until, term_end)) where status <> 'ended';
      create index role_terms_warn_idx on role_terms (warn_from) where status = 'active' and warned_at is null;

      create table role_policies (
        pod_id uuid primary key,
        term_length_days integer not null,
        max_consecutive_terms integer not null,
        term_ending_notice_days integer not null,
        coordinator_grace_days integer not null,
        custom_roles jsonb not null,
        updated_at timestamptz not null
      );

      create table role_history (
        pod_id uuid not null,
        position integer not null,
        kind text not null,
        role text null,
        member_id uuid null,
        to_member_id uuid null,
        actor_member_id uuid null,
        occurred_at timestamptz not null,
        details jsonb not null,
        constraint role_history_pkey primary key (pod_id, position)
      );
    `);
    this.addSql(podRowLevelSecuritySql('role_terms'));
    this.addSql(podRowLevelSecuritySql('role_policies'));
    this.addSql(podRowLevelSecuritySql('role_history'));
    // The scheduler has to find due terms in every pod. Reads stay closed by default: only a transaction that
    // sets this setting on purpose sees other pods' terms, and only to read them; writes still need the pod.
    this.addSql(`
      create policy role_terms_due_scan on role_terms as permissive for select
        using (current_setting('${ROLE_TERMS_SCAN_SETTING}', true) = '${ROLE_TERMS_SCAN_VALUE}');
    `);
  }
}

export const ROLE_TERMS_MIGRATION = { name: 'Migration20261201000000_role_terms', class: RoleTermsSchema };
