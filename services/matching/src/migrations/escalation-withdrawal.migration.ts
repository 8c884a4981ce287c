import { Migration } from '@mikro-orm/migrations';

/**
 * Why a suggestion was withdrawn, when the helper should be told more than "replaced": `pod-left-region` when the
 * request's pod or the helper's pod left the region the escalation crossed. Null for every other withdrawal.
 */
export class EscalationWithdrawalSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table suggestions_view add column withdraw_reason text;');
  }
}

export const ESCALATION_WITHDRAWAL_MIGRATION = { name: 'Migration20261207200000_escalation_withdrawal', class: EscalationWithdrawalSchema };
