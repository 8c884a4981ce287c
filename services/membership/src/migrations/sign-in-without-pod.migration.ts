import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions of people in no pod yet (newcomers about to join, operators, region stewards), and the keyed hash of the
 * address a session signed in with, so each refresh re-reads which configured roles that address has.
 */
export class SignInWithoutPod extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table sign_in_sessions alter column pod_id drop not null;
      alter table sign_in_sessions add column address_hash bytea null check (octet_length(address_hash) = 32);
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      delete from sign_in_sessions where pod_id is null;
      alter table sign_in_sessions drop column if exists address_hash;
      alter table sign_in_sessions alter column pod_id set not null;
    `);
  }
}

export const SIGN_IN_WITHOUT_POD_MIGRATION = { name: 'Migration20261227100000_sign_in_without_pod', class: SignInWithoutPod };
