import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, setTransactionPod, streamName } from '@mutuo/event-store';
import {
  ledgerAccountDecider,
  type LedgerAccount,
  type LedgerAccountCommand,
  type LedgerAccountEvent,
  type LedgerAccountState,
} from '../domain/ledger-account.decider';
import type { AccountSnapshot, PostedTransfer, TransferDetails } from '../domain/ledger.types';
import { transferDecider, type TransferCommand, type TransferEvent, type TransferState } from '../domain/transfer.decider';
import { asLedgerError } from './ledger.errors';

export const ledgerAccountStream = (account: Pick<LedgerAccount, 'podId' | 'accountId'>) => streamName('ledger-account', account.podId, account.accountId);
export const transferStream = (podId: string, transferId: string) => streamName('ledger-transfer', podId, transferId);

interface AccountRow {
  id: string;
  pod_id: string;
  kind: AccountSnapshot['kind'];
  unit: string;
  floor_minor: string | null;
  balance_minor: string;
}

export interface PostOptions {
  /** Accounts to open first if they do not exist yet (a member's first hours, a pod's first donation in a currency). */
  readonly open?: readonly LedgerAccount[];
}

/**
 * The double-entry ledger. Every posting runs in one transaction: open missing accounts, lock both accounts
 * (`for update`, in id order so two postings never deadlock), decide against the locked balances, append the
 * transfer's event (its id is its stream: a second posting of the id cannot be appended), and insert the transfer
 * row, whose trigger moves both balances under the database's own CHECKs. Writers on one hot account queue on its
 * row lock instead of failing optimistic retries; writers on different accounts never wait for each other.
 */
@Injectable()
export class Ledger {
  private readonly accounts: CommandHandler<LedgerAccountState, LedgerAccountCommand, LedgerAccountEvent>;
  private readonly transfers: CommandHandler<TransferState, TransferCommand, TransferEvent>;

  constructor(store: PostgresEventStore) {
    this.accounts = new CommandHandler(store, ledgerAccountDecider);
    this.transfers = new CommandHandler(store, transferDecider);
  }

  /** Opens the account unless it exists; in the caller's transaction, with its pod set. */
  async openAccount(tx: EntityManager, account: LedgerAccount, metadata: CommandMetadata): Promise<void> {
    const [existing] = await query(tx, 'select 1 from accounts where id = ?', [account.accountId]);
    if (existing) return;
    const { state } = await this.accounts.handle(tx, ledgerAccountStream(account), {
      type: 'OpenLedgerAccount',
      data: account,
      metadata: { ...metadata, podId: account.podId },
    });
    if (state.status === 'open') await insertAccountRow(tx, state.account, metadata.now);
  }

  /** Posts a transfer, or returns the one already posted under its id. */
  async post(em: EntityManager, transfer: TransferDetails, metadata: CommandMetadata, options: PostOptions = {}): Promise<PostedTransfer> {
    const [posted] = await this.postMany(em, [transfer], metadata, options);
    return posted!;
  }

  /**
   * Posts transfers in one transaction (the caller's, when it is in one): per pod, all their accounts are locked in
   * one statement, in id order, then each transfer is decided against the balances as the batch left them. A batch
   * is all or nothing. Returns each transfer as posted (or as posted before, for an id seen already).
   */
  async postMany(em: EntityManager, transfers: readonly TransferDetails[], metadata: CommandMetadata, options: PostOptions = {}): Promise<PostedTransfer[]> {
    const work = async (tx: EntityManager): Promise<PostedTransfer[]> => {
      const posted: PostedTransfer[] = [];
      for (const [podId, group] of groupByPod(transfers)) {
        await setTransactionPod(tx, podId);
        const ids = [...new Set(group.flatMap((transfer) => [transfer.debitAccountId, transfer.creditAccountId]))];
        let locked = await lockAccounts(tx, ids);
        const missing = (options.open ?? []).filter((account) => account.podId === podId && ids.includes(account.accountId) && !locked.has(account.accountId));
        if (missing.length > 0) {
          for (const account of missing) await this.openAccount(tx, account, metadata);
          locked = await lockAccounts(tx, ids);
        }
        posted.push(...(await this.postGroup(tx, group, locked, { ...metadata, podId })));
      }
      return posted;
    };
    try {
      // Inside a caller's transaction no savepoint is needed: a refusal throws before anything is written, and a
      // database error aborts the caller's transaction anyway.
      return em.isInTransaction() ? await work(em) : await em.transactional(work);
    } catch (error) {
      throw asLedgerError(error);
    }
  }

  /**
   * Posts one pod's transfers with a fixed number of statements for the whole group instead of four per transfer:
   * one statement takes the transaction locks on every transfer id, the next reads all their streams (a statement of
   * its own, so its snapshot sees whatever a posting that held a lock committed), then each transfer is decided in
   * order against the balances and stream states the group has left so far, the events are appended per stream once
   * all are decided, and all new transfer rows go in with one multi-row INSERT, in decision order (the trigger moves
   * the balances row by row under the CHECKs).
   */
  private async postGroup(
    tx: EntityManager,
    group: readonly TransferDetails[],
    locked: Map<string, AccountSnapshot>,
    metadata: CommandMetadata,
  ): Promise<PostedTransfer[]> {
    const streams = [...new Set(group.map((transfer) => transferStream(transfer.podId, transfer.transferId)))];
    // Two postings of one id queue here, so the second reads the first's stream (and returns it) instead of
    // colliding on the event store's unique key, even when they name different accounts. Taken in key order, so two
    // groups sharing ids never wait for each other in a circle.
    await query(
      tx,
      `select count(pg_advisory_xact_lock(key)) from
         (select distinct hashtextextended(stream, 0) as key from jsonb_array_elements_text(?::jsonb) as stream order by key) as ordered`,
      [JSON.stringify(streams)],
      { preparedAs: 'funds_lock_transfer_ids_v2' },
    );
    const batch = await this.transfers.loadBatch(tx, streams);
    const posted: PostedTransfer[] = [];
    const appended: PostedTransfer[] = [];
    for (const transfer of group) {
      const stream = transferStream(transfer.podId, transfer.transferId);
      // A later transfer of the group under the same id sees this one as posted.
      const { state, events } = batch.decide(stream, {
        type: 'PostTransfer',
        data: { transfer, debitAccount: locked.get(transfer.debitAccountId) ?? null, creditAccount: locked.get(transfer.creditAccountId) ?? null },
        metadata,
      });
      if (events.length === 0 && state.status === 'posted') {
        posted.push(state.transfer);
        continue;
      }
      const postedTransfer = (events[0] as Extract<TransferEvent, { type: 'TransferPosted' }>).data;
      // The next transfer of the group sees the balances this one left.
      for (const [id, delta] of [
        [postedTransfer.debitAccountId, -postedTransfer.amountMinor],
        [postedTransfer.creditAccountId, postedTransfer.amountMinor],
      ] as const) {
        const account = locked.get(id)!;
        locked.set(id, { ...account, balanceMinor: account.balanceMinor + delta });
      }
      posted.push(postedTransfer);
      appended.push(postedTransfer);
    }
    await batch.append(tx);
    if (appended.length === 1) await insertTransferRow(tx, appended[0]!);
    else if (appended.length > 1) await insertTransferRows(tx, appended);
    return posted;
  }

  /** Posts the mirror of `transferId` under `reversalTransferId` (or returns it if it was already posted). */
  async reverse(
    em: EntityManager,
    input: { podId: string; transferId: string; reversalTransferId: string },
    metadata: CommandMetadata,
  ): Promise<PostedTransfer> {
    try {
      return await em.transactional(async (tx) => {
        await setTransactionPod(tx, input.podId);
        const originalStream = transferStream(input.podId, input.transferId);
        const before = await this.transfers.load(tx, originalStream);
        const original = before.state.status === 'posted' ? before.state.transfer : null;
        const locked = original ? await lockAccounts(tx, [original.debitAccountId, original.creditAccountId]) : new Map<string, AccountSnapshot>();
        // Read again under the locks: another reversal may have committed while this one waited.
        const current = await this.transfers.load(tx, originalStream);
        const reversedBy = current.state.status === 'posted' ? current.state.reversedByTransferId : null;
        const commandMetadata = { ...metadata, podId: input.podId };
        const { state, newEvents } = await this.transfers.handle(tx, transferStream(input.podId, input.reversalTransferId), {
          type: 'ReverseTransfer',
          data: {
            reversalTransferId: input.reversalTransferId,
            original,
            originalReversedBy: reversedBy,
            debitAccount: original ? (locked.get(original.creditAccountId) ?? null) : null,
            creditAccount: original ? (locked.get(original.debitAccountId) ?? null) : null,
          },
          metadata: commandMetadata,
        });
        if (state.status !== 'posted') throw new Error('A posted reversal has no state');
        if (newEvents.length > 0) {
          await this.transfers.handle(tx, originalStream, {
            type: 'MarkTransferReversed',
            data: { transferId: input.transferId, reversalTransferId: input.reversalTransferId },
            metadata: commandMetadata,
          });
          await insertTransferRow(tx, state.transfer);
        }
        return state.transfer;
      });
    } catch (error) {
      throw asLedgerError(error);
    }
  }

  /** The transfer as posted, from its stream (the source of truth), or null. */
  async find(em: EntityManager, podId: string, transferId: string): Promise<PostedTransfer | null> {
    const { state } = await this.transfers.load(em, transferStream(podId, transferId));
    return state.status === 'posted' ? state.transfer : null;
  }
}

/** Locks the accounts in id order (so two writers never wait for each other in a circle) and reads their balances. */
async function lockAccounts(tx: EntityManager, ids: readonly string[]): Promise<Map<string, AccountSnapshot>> {
  const rows = await query<AccountRow>(
    tx,
    `select id, pod_id, kind, unit, floor_minor::text, balance_minor::text from accounts
     where id in (select jsonb_array_elements_text(?::jsonb)::uuid) order by id for update`,
    [JSON.stringify(ids)],
    { preparedAs: 'funds_lock_accounts_v2' },
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        accountId: row.id,
        podId: row.pod_id,
        kind: row.kind,
        unit: row.unit,
        floorMinor: row.floor_minor === null ? null : Number(row.floor_minor),
        balanceMinor: Number(row.balance_minor),
      },
    ]),
  );
}

/** The accounts read table; also the rebuild path of the ledger projection (hence `on conflict do nothing`). */
function groupByPod(transfers: readonly TransferDetails[]): Map<string, TransferDetails[]> {
  const groups = new Map<string, TransferDetails[]>();
  for (const transfer of transfers) groups.set(transfer.podId, [...(groups.get(transfer.podId) ?? []), transfer]);
  return groups;
}

export async function insertAccountRow(tx: EntityManager, account: LedgerAccount, openedAt: string): Promise<void> {
  await query(
    tx,
    `insert into accounts (id, pod_id, kind, unit, floor_minor, member_id, counterparty_pod_id, opened_at)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
    [account.accountId, account.podId, account.kind, account.unit, account.floorMinor, account.memberId, account.counterpartyPodId, openedAt],
  );
}

const INSERT_TRANSFER = `insert into transfers (id, pod_id, unit, amount_minor, debit_account_id, credit_account_id, kind, reverses_transfer_id,
                                               request_id, source_id, category, posted_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Inserting the row moves both balances (trigger). Posting, a row with the id already there is an error (the id is
 * unique across pods, not only within one); replaying (`replay`), it means the row was written inline and is skipped.
 */
export async function insertTransferRow(tx: EntityManager, transfer: PostedTransfer, options: { replay?: boolean } = {}): Promise<void> {
  await query(
    tx,
    options.replay ? `${INSERT_TRANSFER} on conflict (id) do nothing` : INSERT_TRANSFER,
    [
      transfer.transferId,
      transfer.podId,
      transfer.unit,
      transfer.amountMinor,
      transfer.debitAccountId,
      transfer.creditAccountId,
      transfer.kind,
      transfer.reversesTransferId,
      transfer.requestId,
      transfer.sourceId,
      transfer.category,
      transfer.postedAt,
    ],
    { preparedAs: options.replay ? 'funds_replay_transfer_v1' : 'funds_insert_transfer_v2' },
  );
}

/** New transfer rows in one statement, inserted in the order given (each row's trigger sees the rows before it). */
async function insertTransferRows(tx: EntityManager, transfers: readonly PostedTransfer[]): Promise<void> {
  await query(
    tx,
    `insert into transfers (id, pod_id, unit, amount_minor, debit_account_id, credit_account_id, kind, reverses_transfer_id,
                            request_id, source_id, category, posted_at)
     select t.id, t.pod_id, t.unit, t.amount_minor, t.debit_account_id, t.credit_account_id, t.kind, t.reverses_transfer_id,
            t.request_id, t.source_id, t.category, t.posted_at
     from rows from (jsonb_to_recordset(?::jsonb) as (id uuid, pod_id uuid, unit text, amount_minor bigint, debit_account_id uuid,
                                                     credit_account_id uuid, kind text, reverses_transfer_id uuid, request_id uuid,
                                                     source_id uuid, category text, posted_at timestamptz))
          with ordinality as t(id, pod_id, unit, amount_minor, debit_account_id, credit_account_id, kind, reverses_transfer_id,
                               request_id, source_id, category, posted_at, position)
     order by t.position`,
    [
      JSON.stringify(
        transfers.map((transfer) => ({
          id: transfer.transferId,
          pod_id: transfer.podId,
          unit: transfer.unit,
          amount_minor: transfer.amountMinor,
          debit_account_id: transfer.debitAccountId,
          credit_account_id: transfer.creditAccountId,
          kind: transfer.kind,
          reverses_transfer_id: transfer.reversesTransferId,
          request_id: transfer.requestId,
          source_id: transfer.sourceId,
          category: transfer.category,
          posted_at: transfer.postedAt,
        })),
      ),
    ],
    { preparedAs: 'funds_insert_transfers_v2' },
  );
}
