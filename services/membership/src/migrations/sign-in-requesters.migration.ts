import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in budgets per requester, so nobody can use up the owner's: the requesters (keyed hashes of client IPs) that
 * signed in with an address before, and on each code who asked for it. A code supersedes only the codes the same
 * requester asked for, and wrong guesses from other requesters count apart (`foreign_attempts`), so they can lock
 * the code for everyone else but never for the requester who asked for it.
 */
export class SignInRequesters extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sign_in_known_requesters (
        address_hash bytea not null check (octet_length(address_hash) = 32),
        requester text not null,
        last_signed_in_at timestamptz not null,
        constraint sign_in_known_requesters_pkey primary key (address_hash, requester)
      );
      create index sign_in_known_requesters_seen_idx on sign_in_known_requesters (last_signed_in_at);

      alter table sign_in_codes add column requester text not null default 'anyone';
      alter table sign_in_codes add column foreign_attempts integer not null default 0 check (foreign_attempts >= 0);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table sign_in_codes drop column if exists foreign_attempts;
      alter table sign_in_codes drop column if exists requester;
      drop table if exists sign_in_known_requesters;
    `);
  }
}

export const SIGN_IN_REQUESTERS_MIGRATION = { name: 'Migration20261228100000_sign_in_requesters', class: SignInRequesters };
