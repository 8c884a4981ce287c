import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Projection, type StoredEvent } from '@mutuo/event-store';
import type { PodAccountsEvent } from '../domain/pod-accounts.decider';
import { AccountViewSchema } from './account.entity';

export const podAccountsProjection: Projection = {
  name: 'pod-accounts',
  eventTypes: ['PodAccountOpened'] satisfies PodAccountsEvent['type'][],

  async apply(em: EntityManager, stored: StoredEvent) {
    const event = stored as unknown as PodAccountsEvent;
    // Opening never touches an existing balance: a replay leaves the account as it is.
    await em.upsert(
      AccountViewSchema,
      {
        id: event.data.accountId,
        podId: event.data.podId,
        kind: event.data.kind,
        unit: event.data.unit,
        balanceMinor: '0',
        floorMinor: String(event.data.floorMinor),
        openedAt: new Date(event.data.openedAt),
      },
      { onConflictAction: 'ignore' },
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate accounts');
  },
};
