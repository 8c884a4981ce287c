import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DomainRuleViolation } from '@mutuo/domain';
import { setTransactionPod } from '@mutuo/event-store';
import type { LedgerAccount } from '../src/domain/ledger-account.decider';
import { podAccounts } from '../src/shared/account-ids';
import { Ledger } from '../src/shared/ledger.service';
import { waitFor } from '@mutuo/testing';
import { startFunds, type FundsHarness } from './funds-harness';

/**
 * Random sequences of concurrent transfers, duplicates (same id, same or different details) and reversals, against the
 * real database through the real ledger. Whatever the interleaving, afterwards: Σ debits = Σ credits per unit, no
 * balance under its floor, every balance equal to its transfers, each transfer id posted at most once (events and
 * rows agree), each transfer reversed at most once.
 */
describe('ledger invariants under concurrent random operations (real PostgreSQL)', () => {
  let h: FundsHarness;
  let ledger: Ledger;
  const podId = randomUUID();
  const metadata = () => ({ now: new Date().toISOString(), actorId: 'property-test', podId });
  const members = [0, 1, 2, 3].map(() => randomUUID());
  const accounts: LedgerAccount[] = [
    podAccounts.treasury(podId, 'EUR'),
    podAccounts.donations(podId, 'EUR'),
    podAccounts.payouts(podId, 'EUR'),
    podAccounts.fees(podId, 'EUR'),
    podAccounts.communityPool(podId),
    ...members.map((memberId) => podAccounts.memberTime(podId, memberId, 120)),
  ];
  const EXPECTED_REFUSALS = new Set([
    'INSUFFICIENT_FUNDS',
    'CREDIT_LIMIT_REACHED',
    'INSUFFICIENT_HOURS',
    'UNIT_MISMATCH',
    'TRANSFER_ID_REUSED',
    'ALREADY_REVERSED',
    'TRANSFER_NOT_FOUND',
    'REVERSAL_NOT_REVERSIBLE',
    'SAME_ACCOUNT',
    'CONFLICT',
  ]);

  beforeAll(async () => {
    h = await startFunds('funds_property');
    ledger = h.sut.service.app.get(Ledger);
    await h.sut.service.orm.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      for (const account of accounts) await ledger.openAccount(tx, account, metadata());
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  type Operation = { type: 'transfer'; id: number; from: number; to: number; amount: number } | { type: 'reverse'; target: number; id: number };

  const operation: fc.Arbitrary<Operation> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('transfer' as const),
        id: fc.nat(11),
        from: fc.nat(accounts.length - 1),
        to: fc.nat(accounts.length - 1),
        amount: fc.integer({ min: 1, max: 400 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('reverse' as const), target: fc.nat(11), id: fc.nat(11) }) },
  );

  async function run(op: Operation, ids: string[]): Promise<void> {
    const em = h.sut.service.orm.em.fork();
    if (op.type === 'transfer') {
      const debit = accounts[op.from]!;
      const credit = accounts[op.to]!;
      await ledger.post(
        em,
        {
          transferId: ids[op.id]!,
          podId,
          unit: debit.unit,
          amountMinor: op.amount,
          debitAccountId: debit.accountId,
          creditAccountId: credit.accountId,
          kind: debit.unit === 'HOUR' ? 'time-exchange' : 'contribution',
          reversesTransferId: null,
          requestId: null,
          sourceId: null,
          category: null,
        },
        metadata(),
      );
    } else {
      await ledger.reverse(em, { podId, transferId: ids[op.target]!, reversalTransferId: ids[op.id]! }, metadata());
    }
  }

  async function checkInvariants(): Promise<void> {
    const perUnit = await h.adminQuery<{ unit: string; debits: string; credits: string; balances: string }>(
      'select unit, sum(debits_minor)::text as debits, sum(credits_minor)::text as credits, sum(balance_minor)::text as balances from accounts group by unit',
    );
    for (const row of perUnit) {
      expect(row.debits).toBe(row.credits);
      expect(row.balances).toBe('0');
    }
    const underFloor = await h.adminQuery('select id from accounts where floor_minor is not null and balance_minor < floor_minor');
    expect(underFloor).toEqual([]);
    const drifted = await h.adminQuery(
      `select a.id from accounts a
       where a.balance_minor <> coalesce((select sum(amount_minor) from transfers where credit_account_id = a.id), 0)
                              - coalesce((select sum(amount_minor) from transfers where debit_account_id = a.id), 0)`,
    );
    expect(drifted).toEqual([]);
    const [posting] = await h.adminQuery<{ events: number; distinct_ids: number; rows: number; unmatched: number }>(
      `select (select count(*)::int from mutuo_events where type = 'TransferPosted') as events,
              (select count(distinct data->>'transferId')::int from mutuo_events where type = 'TransferPosted') as distinct_ids,
              (select count(*)::int from transfers) as rows,
              (select count(*)::int from mutuo_events e where e.type = 'TransferPosted'
                 and not exists (select 1 from transfers t where t.id = (e.data->>'transferId')::uuid and t.amount_minor = (e.data->>'amountMinor')::bigint)) as unmatched`,
    );
    expect(posting).toEqual({ events: posting!.rows, distinct_ids: posting!.rows, rows: posting!.rows, unmatched: 0 });
    const [reversals] = await h.adminQuery<{ twice: number }>(
      `select count(*)::int as twice from (select reverses_transfer_id from transfers where reverses_transfer_id is not null group by 1 having count(*) > 1) x`,
    );
    expect(reversals!.twice).toBe(0);
  }

  it('keeps every invariant whatever mix of concurrent transfers, duplicates and reversals arrives', async () => {
    let refusals = 0;
    let posted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(operation, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        // Ids are fresh per run and drawn from a small set, so duplicates and reversals of earlier transfers are common.
        const ids = Array.from({ length: 12 }, () => randomUUID());
        for (const batch of batches) {
          const outcomes = await Promise.allSettled(batch.map((op) => run(op, ids)));
          for (const outcome of outcomes) {
            if (outcome.status === 'fulfilled') {
              posted++;
              continue;
            }
            const error = outcome.reason as unknown;
            // Anything but a clean refusal (a deadlock, a constraint the decider missed) fails the property.
            if (!(error instanceof DomainRuleViolation) || !EXPECTED_REFUSALS.has(error.code)) throw error;
            refusals++;
          }
        }
        await checkInvariants();
      }),
      { numRuns: 50 },
    );
    // The runs exercised both sides: transfers that went through and refusals that wrote nothing.
    expect(posted).toBeGreaterThan(0);
    expect(refusals).toBeGreaterThan(0);

    // The tables are a projection: replaying the events alone gives the same balances.
    const snapshot = async () => JSON.stringify(await h.adminQuery('select id, balance_minor, debits_minor, credits_minor from accounts order by id'));
    const before = await snapshot();
    await h.sut.service.projections.rebuild('ledger');
    await waitFor(async () => (await snapshot()) === before, { description: 'the replay to reach the same balances', timeoutMs: 30_000 });
  }, 240_000);
});
