import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { LedgerAccountEvent } from '../domain/ledger-account.decider';
import type { TransferEvent } from '../domain/transfer.decider';
import { podAccounts } from '../shared/account-ids';
import { insertAccountRow, insertTransferRow } from '../shared/ledger.service';

/**
 * The ledger's read tables are written inline, in the transaction that appends the events (see Ledger). This
 * projection is their rebuild path: replaying the events re-inserts accounts and transfers, and the transfer trigger
 * recomputes every balance. In normal running each insert finds its row already there and does nothing.
 */
/** The walking skeleton's event for a pod's community pool, from before the ledger: still replayed. */
interface SkeletonPoolOpened {
  type: 'PodAccountOpened';
  data: { podId: string; accountId: string; openedAt: string };
}

export const ledgerProjection = defineProjection<LedgerAccountEvent | TransferEvent | SkeletonPoolOpened>({
  name: 'ledger',
  eventTypes: ['LedgerAccountOpened', 'TransferPosted', 'PodAccountOpened'],

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'PodAccountOpened':
        await insertAccountRow(em, { ...podAccounts.communityPool(event.data.podId), accountId: event.data.accountId }, event.data.openedAt);
        return;
      case 'LedgerAccountOpened':
        await insertAccountRow(em, event.data, event.data.openedAt);
        return;
      case 'TransferPosted':
        await insertTransferRow(em, event.data, { replay: true });
        return;
      default:
        return;
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate transfers, accounts');
  },
});
