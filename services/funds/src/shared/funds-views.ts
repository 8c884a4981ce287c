import { forbidden, requirePod, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import type { PostedTransfer } from '../domain/ledger.types';
import type { TransferRow } from './ledger.queries';

export interface MemberRef {
  formerMember: boolean;
  member: { __typename: 'Member'; id: string } | null;
}

/** Timestamps arrive from raw queries as Date or text, depending on the driver's parsing. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

export function memberRef(memberId: string, former: ReadonlySet<string>): MemberRef {
  return former.has(memberId) ? { formerMember: true, member: null } : { formerMember: false, member: { __typename: 'Member', id: memberId } };
}

export function transferView(transfer: TransferRow | PostedTransfer) {
  if ('transferId' in transfer) {
    return { ...transfer, id: transfer.transferId, reversedByTransferId: null, kind: toGraphQLEnum(transfer.kind) };
  }
  return {
    id: transfer.id,
    unit: transfer.unit,
    amountMinor: Number(transfer.amount_minor),
    debitAccountId: transfer.debit_account_id,
    creditAccountId: transfer.credit_account_id,
    kind: toGraphQLEnum(transfer.kind),
    reversesTransferId: transfer.reverses_transfer_id,
    reversedByTransferId: transfer.reversed_by_transfer_id,
    requestId: transfer.request_id,
    sourceId: transfer.source_id,
    category: transfer.category,
    postedAt: iso(transfer.posted_at),
  };
}

/** The caller's pod; partner clients have no access to money. */
export function podOf(ctx: SubgraphContext): string {
  const { identity, podId } = requirePod(ctx);
  if (identity.clientId !== undefined) throw forbidden("Partner clients may not read a pod's funds");
  return podId;
}
