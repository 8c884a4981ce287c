import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/**
 * Sign-in looks people up before any pod is known: by a keyed hash of their e-mail address, by their person id,
 * and partner clients by their id. Those read models keep row-level security; only a transaction that sets
 * this setting on purpose may read them across pods, and only to read.
 */
export const SIGN_IN_LOOKUP_SETTING = 'mutuo.sign_in_lookup';
export const SIGN_IN_LOOKUP_VALUE = 'across-pods';

/**
 * Sign-in, sessions and partner clients.
 * - Read models (projections, pod_id with row-level security): who belongs to which pod (`sign_in_people`), the
 *   verified e-mail addresses by keyed hash (`sign_in_email_index`), partner clients per pod and their credentials.
 * - Security state that is not a domain fact, kept out of the event store on purpose (it changes on every guess and
 *   must be purged): one-time codes, rate-limit counters, sessions and their refresh tokens. Looked up by secret
 *   hashes before any pod is known, so these have no pod policy; only the membership runtime role reads them.
 */
export class SignInTokensSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sign_in_people (
        member_id uuid primary key,
        pod_id uuid not null,
        person_id text not null
      );
      create index sign_in_people_person_idx on sign_in_people (person_id);

      create table sign_in_email_index (
        channel_id uuid primary key,
        pod_id uuid not null,
        member_id uuid not null,
        person_id text not null,
        email_hash bytea not null check (octet_length(email_hash) = 32),
        verified_at timestamptz null
      );
      create index sign_in_email_index_hash_idx on sign_in_email_index (email_hash) where verified_at is not null;

      create table partner_client_grants (
        client_id uuid not null,
        pod_id uuid not null,
        owner_pod_id uuid not null,
        name text not null,
        scopes jsonb not null,
        pod_ids jsonb not null,
        -- False on the row that only lets the registering pod see a client it does not act for.
        acts_for boolean not null,
        registered_at timestamptz not null,
        revoked_at timestamptz null,
        constraint partner_client_grants_pkey primary key (client_id, pod_id)
      );

      create table partner_client_credentials (
        client_id uuid primary key,
        pod_id uuid not null,
        secret_hash bytea not null check (octet_length(secret_hash) = 32),
        scopes jsonb not null,
        pod_ids jsonb not null,
        revoked_at timestamptz null
      );

      create table sign_in_codes (
        code_id uuid primary key,
        purpose text not null check (purpose in ('sign-in', 'contact-verification')),
        address_hash bytea not null,
        code_hash bytea not null,
        -- Null when nobody has this address: the code is never sent, but it is refused exactly like a real one.
        person_id text null,
        pod_id uuid null,
        member_id uuid null,
        channel_id uuid null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        attempts integer not null default 0 check (attempts >= 0),
        consumed_at timestamptz null,
        superseded_at timestamptz null
      );
      create index sign_in_codes_address_idx on sign_in_codes (address_hash, purpose, created_at desc);
      create index sign_in_codes_expiry_idx on sign_in_codes (expires_at);

      create table sign_in_rate_limits (
        bucket text not null,
        window_start timestamptz not null,
        hits integer not null check (hits > 0),
        constraint sign_in_rate_limits_pkey primary key (bucket, window_start)
      );
      create index sign_in_rate_limits_window_idx on sign_in_rate_limits (window_start);

      create table sign_in_sessions (
        session_id uuid primary key,
        person_id text not null,
        pod_id uuid not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz null,
        revoked_reason text null check (revoked_reason in ('signed-out', 'refresh-token-reused', 'membership-ended'))
      );
      create index sign_in_sessions_person_idx on sign_in_sessions (person_id) where revoked_at is null;
      create index sign_in_sessions_expiry_idx on sign_in_sessions (expires_at);

      create table sign_in_refresh_tokens (
        token_hash bytea primary key check (octet_length(token_hash) = 32),
        session_id uuid not null references sign_in_sessions (session_id) on delete cascade,
        issued_at timestamptz not null,
        expires_at timestamptz not null,
        rotated_at timestamptz null
      );
      create index sign_in_refresh_tokens_session_idx on sign_in_refresh_tokens (session_id);
    `);
    for (const table of ['sign_in_people', 'sign_in_email_index', 'partner_client_grants', 'partner_client_credentials']) {
      this.addSql(podRowLevelSecuritySql(table));
    }
    for (const table of ['sign_in_people', 'sign_in_email_index', 'partner_client_credentials']) {
      this.addSql(`
        create policy ${table}_lookup on ${table} as permissive for select
          using (current_setting('${SIGN_IN_LOOKUP_SETTING}', true) = '${SIGN_IN_LOOKUP_VALUE}');
      `);
    }
  }
}

export const SIGN_IN_TOKENS_MIGRATION = { name: 'Migration20261210000000_sign_in_tokens', class: SignInTokensSchema };
