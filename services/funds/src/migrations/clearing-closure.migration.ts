import { Migration } from '@mikro-orm/migrations';

/**
 * A pod leaving its region closes its clearing there: the balances move to `settled-clearing` accounts (one per
 * counterparty pod) by `clearing-settlement` transfers. The database learns the two kinds; every other check stays.
 */
export class ClearingClosureSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      -- A pod that left its region is in none until it joins another.
      alter table funds_pods alter column region_id drop not null;
      alter table accounts drop constraint accounts_kind_known;
      alter table accounts add constraint accounts_kind_known
        check (kind in ('treasury', 'member-time', 'community-time-pool', 'external-source', 'external-sink', 'fees', 'clearing', 'settled-clearing'));
      alter table transfers drop constraint transfers_kind_check;
      alter table transfers add constraint transfers_kind_check
        check (kind in ('contribution', 'processor-fee', 'disbursement', 'time-exchange', 'time-gift', 'pool-grant', 'clearing', 'reversal', 'clearing-settlement'));
    `);
  }
}

export const CLEARING_CLOSURE_MIGRATION = { name: 'Migration20261207200000_clearing_closure', class: ClearingClosureSchema };
