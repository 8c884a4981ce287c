import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/**
 * The ledger's read tables, written in the same transaction as the events (an inline projection), with the
 * invariants checked again by the database itself: a bug in a decider cannot post a transfer that breaks them.
 * - transfers: unique id, positive whole amounts, two different accounts of the transfer's pod and unit, at most one
 *   reversal per transfer (mirroring its original exactly), never updated or deleted.
 * - accounts: balance = credits − debits, never below the floor (when it has one); inserting a transfer moves both
 *   balances in the same statement, so Σ debits = Σ credits per unit by construction.
 */
export class LedgerSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table accounts alter column floor_minor drop not null;
      alter table accounts drop constraint accounts_balance_above_floor;
      alter table accounts
        add column member_id uuid null,
        add column counterparty_pod_id uuid null,
        add column debits_minor bigint not null default 0,
        add column credits_minor bigint not null default 0,
        add constraint accounts_balance_above_floor check (floor_minor is null or balance_minor >= floor_minor),
        add constraint accounts_balance_is_credits_minus_debits check (balance_minor = credits_minor - debits_minor),
        add constraint accounts_totals_not_negative check (debits_minor >= 0 and credits_minor >= 0),
        add constraint accounts_floor_not_positive check (floor_minor is null or floor_minor <= 0),
        add constraint accounts_kind_known check (kind in ('treasury', 'member-time', 'community-time-pool', 'external-source', 'external-sink', 'fees', 'clearing'));
      create index accounts_member_idx on accounts (member_id) where member_id is not null;

      create table transfers (
        id uuid primary key,
        seq bigserial not null unique,
        pod_id uuid not null,
        unit text not null check (unit = 'HOUR' or unit ~ '^[A-Z]{3}$'),
        amount_minor bigint not null constraint transfers_amount_positive check (amount_minor > 0),
        debit_account_id uuid not null references accounts (id),
        credit_account_id uuid not null references accounts (id),
        kind text not null check (kind in ('contribution', 'processor-fee', 'disbursement', 'time-exchange', 'time-gift', 'pool-grant', 'clearing', 'reversal')),
        reverses_transfer_id uuid null references transfers (id) constraint transfers_one_reversal_each unique,
        request_id uuid null,
        source_id uuid null,
        category text null,
        posted_at timestamptz not null,
        constraint transfers_two_accounts check (debit_account_id <> credit_account_id),
        constraint transfers_reversal_names_original check ((kind = 'reversal') = (reverses_transfer_id is not null))
      );
      create index transfers_pod_seq_idx on transfers (pod_id, seq);
      create index transfers_debit_idx on transfers (debit_account_id, seq);
      create index transfers_credit_idx on transfers (credit_account_id, seq);
      create index transfers_request_idx on transfers (request_id) where request_id is not null;

      create function funds_apply_transfer() returns trigger language plpgsql as $$
      declare
        debit accounts%rowtype;
        credit accounts%rowtype;
        original transfers%rowtype;
      begin
        select * into debit from accounts where id = new.debit_account_id;
        select * into credit from accounts where id = new.credit_account_id;
        if debit.unit <> new.unit or credit.unit <> new.unit then
          raise exception 'transfer % mixes units', new.id using errcode = '23514', constraint = 'transfers_same_unit';
        end if;
        if debit.pod_id <> new.pod_id or credit.pod_id <> new.pod_id then
          raise exception 'transfer % crosses pods', new.id using errcode = '23514', constraint = 'transfers_same_pod';
        end if;
        if new.reverses_transfer_id is not null then
          select * into original from transfers where id = new.reverses_transfer_id;
          if original.kind = 'reversal' or original.amount_minor <> new.amount_minor
             or original.debit_account_id <> new.credit_account_id or original.credit_account_id <> new.debit_account_id then
            raise exception 'transfer % does not mirror %', new.id, original.id using errcode = '23514', constraint = 'transfers_reversal_mirrors_original';
          end if;
        end if;
        -- One statement per account: the row lock serialises writers on a hot account, the CHECKs refuse overdrafts.
        update accounts set debits_minor = debits_minor + new.amount_minor, balance_minor = balance_minor - new.amount_minor
          where id = new.debit_account_id;
        update accounts set credits_minor = credits_minor + new.amount_minor, balance_minor = balance_minor + new.amount_minor
          where id = new.credit_account_id;
        return null;
      end $$;
      create trigger transfers_apply after insert on transfers for each row execute function funds_apply_transfer();

      create function funds_transfers_are_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'posted transfers are immutable: post a reversal instead' using errcode = '55000';
      end $$;
      create trigger transfers_immutable before update or delete on transfers for each row execute function funds_transfers_are_immutable();
    `);
    this.addSql(podRowLevelSecuritySql('transfers'));
    this.addSql(`
      -- Funds' own picture of the pods (from pod-created): which region each is in, for clearing positions.
      create table funds_pods (pod_id uuid primary key, region_id uuid not null);

      create table disbursement_proposals (
        id uuid primary key,
        pod_id uuid not null,
        request_id uuid null,
        proposed_by_member_id uuid not null,
        recipient_member_id uuid null,
        currency text not null,
        amount_minor bigint not null check (amount_minor > 0),
        category text not null,
        reason_text_id uuid not null,
        emergency boolean not null,
        route text not null,
        approvals_required int not null,
        approver_member_ids uuid[] not null default '{}',
        over_budget boolean not null,
        month text not null,
        status text not null check (status in ('proposed', 'approved', 'rejected', 'paid')),
        rejected_by_member_id uuid null,
        rejection_reason_text_id uuid null,
        transfer_id uuid null,
        processor_reference text null,
        proposed_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index disbursement_proposals_pod_idx on disbursement_proposals (pod_id, proposed_at);
      create index disbursement_proposals_request_idx on disbursement_proposals (request_id) where request_id is not null;
      create index disbursement_proposals_budget_idx on disbursement_proposals (pod_id, category, month);

      create table contributions (
        id uuid primary key,
        pod_id uuid not null,
        currency text not null,
        amount_minor bigint not null check (amount_minor > 0),
        fee_minor bigint not null check (fee_minor >= 0),
        method text not null,
        source_kind text not null,
        processor_reference text null,
        donor_name_text_id uuid null,
        donor_member_id uuid null,
        anonymous boolean not null,
        name_shown_publicly boolean not null,
        recorded_by_member_id uuid not null,
        transfer_id uuid not null,
        fee_transfer_id uuid null,
        recorded_at timestamptz not null
      );
      create index contributions_pod_idx on contributions (pod_id, recorded_at);

      -- Who held which role when, for treasurer checks at a glance (the decisions read funds' own role stream).
      create table funds_role_holders (
        term_id uuid primary key,
        pod_id uuid not null,
        member_id uuid not null,
        role text not null
      );
      create index funds_role_holders_pod_idx on funds_role_holders (pod_id, role);

      -- Free text people wrote (reasons, donor names), kept out of the append-only events so that erasing its author
      -- really deletes it; events carry only the text's id.
      create table funds_personal_texts (
        id uuid primary key,
        pod_id uuid not null,
        author_member_id uuid null,
        text text not null
      );
      create index funds_personal_texts_author_idx on funds_personal_texts (author_member_id) where author_member_id is not null;

      -- Which pod each helper of a request lives in (from matching's match-made), for clearing between pods.
      create table request_helper_pods (
        request_id uuid not null,
        helper_member_id uuid not null,
        pod_id uuid not null,
        helper_pod_id uuid not null,
        primary key (request_id, helper_member_id)
      );

      -- Members erased from the platform: shown as "former member"; their ids stay in the ledger so it adds up.
      create table funds_former_members (member_id uuid primary key, pod_id uuid not null, erased_at timestamptz not null);
    `);
    for (const table of [
      'disbursement_proposals',
      'contributions',
      'funds_role_holders',
      'funds_former_members',
      'funds_personal_texts',
      'request_helper_pods',
    ]) {
      this.addSql(podRowLevelSecuritySql(table));
    }
  }
}
