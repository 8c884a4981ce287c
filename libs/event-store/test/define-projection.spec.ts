import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, type StoredEventOf } from '../src/projections/projection';
import type { StoredEvent } from '../src/types';

type Opened = { type: 'AccountOpened'; data: { accountId: string } };
type Closed = { type: 'AccountClosed'; data: { accountId: string; reason: string } };

const stored = (type: string, data: unknown): StoredEvent => ({
  eventId: 'event-1',
  streamId: 'account:-:a1',
  streamPosition: 1,
  podId: null,
  type,
  data,
  metadata: { occurredAt: '2026-12-01T10:00:00.000Z', actorId: 'test' },
  globalPosition: '1',
  transactionId: '1',
  recordedAt: '2026-12-01T10:00:00.000Z',
});

describe('defineProjection', () => {
  const applied: StoredEventOf<Opened | Closed>[] = [];
  const em = {} as EntityManager;
  const accounts = defineProjection<Opened | Closed>({
    name: 'accounts',
    eventTypes: ['AccountOpened', 'AccountClosed'],
    async apply(_em, event) {
      applied.push(event);
    },
    async reset() {
      applied.length = 0;
    },
  });

  it('hands apply the events of its types', async () => {
    await accounts.apply(em, stored('AccountClosed', { accountId: 'a1', reason: 'moved' }));
    expect(applied.map((event) => [event.type, event.data])).toEqual([['AccountClosed', { accountId: 'a1', reason: 'moved' }]]);
  });

  it('refuses an event of another type instead of handing apply a wrongly typed event', async () => {
    await expect(accounts.apply(em, stored('AccountRenamed', { accountId: 'a1' }))).rejects.toThrow('Projection accounts does not apply AccountRenamed');
    expect(accounts.takes({ type: 'AccountOpened', data: {} })).toBe(true);
    expect(accounts.takes({ type: 'AccountRenamed', data: {} })).toBe(false);
  });
});
