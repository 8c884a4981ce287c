import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** Payouts of disbursements as recorded, confirmed, failed or reversed (the `disbursement-payouts` projection). */
export class PayoutsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table disbursement_payouts (
        proposal_id uuid primary key,
        pod_id uuid not null,
        status text not null check (status in ('unpaid', 'awaiting-confirmation', 'paid', 'reversed')),
        attempt int not null,
        method text null,
        external_reference text null,
        proof_sha256 text null,
        proof_reference text null,
        paid_at timestamptz null,
        recorded_by_member_id uuid null,
        recorded_at timestamptz null,
        confirmations_required int null,
        confirmed_by_member_ids uuid[] not null default '{}',
        transfer_id uuid null,
        last_failure text null,
        last_failure_at timestamptz null,
        reversal_transfer_id uuid null,
        reversal_reason text null,
        reversed_by_member_id uuid null,
        reversed_at timestamptz null,
        updated_at timestamptz not null
      );
      create index disbursement_payouts_pod_idx on disbursement_payouts (pod_id);
    `);
    this.addSql(podRowLevelSecuritySql('disbursement_payouts'));
  }
}

export const PAYOUTS_MIGRATION = { name: 'Migration20261207200000_payouts', class: PayoutsSchema };
