import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { inPodTransaction, query } from '@mutuo/event-store';
import { cursorKey, opaqueCursor } from '@mutuo/platform';

export interface AccountRow {
  id: string;
  pod_id: string;
  kind: string;
  unit: string;
  balance_minor: string;
  floor_minor: string | null;
  debits_minor: string;
  credits_minor: string;
  member_id: string | null;
  counterparty_pod_id: string | null;
  opened_at: Date | string;
}

export interface TransferRow {
  id: string;
  seq: string;
  pod_id: string;
  unit: string;
  amount_minor: string;
  debit_account_id: string;
  credit_account_id: string;
  kind: string;
  reverses_transfer_id: string | null;
  reversed_by_transfer_id: string | null;
  request_id: string | null;
  source_id: string | null;
  category: string | null;
  posted_at: Date | string;
}

export interface TransferPage {
  edges: { cursor: string; node: TransferRow }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const TRANSFER_COLUMNS = `t.id, t.seq::text, t.pod_id, t.unit, t.amount_minor::text, t.debit_account_id, t.credit_account_id, t.kind,
  t.reverses_transfer_id, (select r.id from transfers r where r.reverses_transfer_id = t.id) as reversed_by_transfer_id,
  t.request_id, t.source_id, t.category, t.posted_at`;

const encodeCursor = (seq: string) => opaqueCursor(`transfer:${seq}`);

function decodeCursor(cursor: string): string {
  const text = cursorKey(cursor);
  const match = /^transfer:(\d{1,19})$/.exec(text);
  if (!match) throw new DomainRuleViolation('INVALID_CURSOR', 'The cursor is not one this API gave out', 'after');
  return match[1]!;
}

/** Reads of the ledger's tables, always inside the caller's pod (row-level security). */
@Injectable()
export class LedgerQueries {
  constructor(private readonly em: EntityManager) {}

  accounts(podId: string): Promise<AccountRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<AccountRow>(tx, 'select * from accounts where pod_id = ? order by kind, unit, opened_at, id', [podId]),
    );
  }

  async account(podId: string, accountId: string): Promise<AccountRow | null> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) => query<AccountRow>(tx, 'select * from accounts where id = ?', [accountId]));
    return rows[0] ?? null;
  }

  async accountsByIds(podId: string, ids: readonly string[]): Promise<Map<string, AccountRow>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<AccountRow>(tx, 'select * from accounts where id in (select jsonb_array_elements_text(?::jsonb)::uuid)', [JSON.stringify(ids)]),
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Newest first; `after` continues from a previous page's endCursor. */
  transfers(podId: string, input: { accountId?: string | null; first?: number | null; after?: string | null }): Promise<TransferPage> {
    const first = input.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > 200) throw new DomainRuleViolation('INVALID_PAGE_SIZE', 'first must be from 1 to 200', 'first');
    const before = input.after ? decodeCursor(input.after) : null;
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await query<TransferRow>(
        tx,
        `select ${TRANSFER_COLUMNS} from transfers t
         where t.pod_id = ? and (?::uuid is null or t.debit_account_id = ?::uuid or t.credit_account_id = ?::uuid)
           and (?::bigint is null or t.seq < ?::bigint)
         order by t.seq desc limit ?`,
        [podId, input.accountId ?? null, input.accountId ?? null, input.accountId ?? null, before, before, first + 1],
      );
      const page = rows.slice(0, first);
      return {
        edges: page.map((node) => ({ cursor: encodeCursor(node.seq), node })),
        pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.seq) : null },
      };
    });
  }

  transfersByIds(podId: string, ids: readonly string[]): Promise<TransferRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<TransferRow>(tx, `select ${TRANSFER_COLUMNS} from transfers t where t.id in (select jsonb_array_elements_text(?::jsonb)::uuid) order by t.seq`, [
        JSON.stringify(ids),
      ]),
    );
  }

  transfersForRequest(podId: string, requestId: string): Promise<TransferRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<TransferRow>(tx, `select ${TRANSFER_COLUMNS} from transfers t where t.request_id = ? order by t.seq`, [requestId]),
    );
  }

  async formerMembers(podId: string): Promise<Set<string>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) => query<{ member_id: string }>(tx, 'select member_id from funds_former_members'));
    return new Set(rows.map((row) => row.member_id));
  }
}
