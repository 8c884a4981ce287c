import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { AccountSnapshot, PostedTransfer, TransferDetails } from './ledger.types';
import { transferDecider, type PostTransfer, type ReverseTransfer, type TransferPosted } from './transfer.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'person-ana', podId: 'pod-1' };
const eventMetadata = { occurredAt: now, actorId: 'person-ana', podId: 'pod-1' };

const account = (accountId: string, overrides: Partial<AccountSnapshot> = {}): AccountSnapshot => ({
  accountId,
  podId: 'pod-1',
  kind: 'treasury',
  unit: 'EUR',
  floorMinor: 0,
  balanceMinor: 10_000,
  ...overrides,
});
const treasury = account('treasury');
const payouts = account('payouts', { kind: 'external-sink', balanceMinor: 0 });

const details: TransferDetails = {
  transferId: 't-1',
  podId: 'pod-1',
  unit: 'EUR',
  amountMinor: 2_500,
  debitAccountId: 'treasury',
  creditAccountId: 'payouts',
  kind: 'disbursement',
  reversesTransferId: null,
  requestId: null,
  sourceId: 'proposal-1',
  category: 'groceries',
};
const post = (transfer: Partial<TransferDetails> = {}, debit: AccountSnapshot | null = treasury, credit: AccountSnapshot | null = payouts): PostTransfer => ({
  type: 'PostTransfer',
  data: { transfer: { ...details, ...transfer }, debitAccount: debit, creditAccount: credit },
  metadata,
});
const postedTransfer: PostedTransfer = { ...details, debitAccountKind: 'treasury', creditAccountKind: 'external-sink', postedAt: now };
const posted: TransferPosted = { type: 'TransferPosted', data: postedTransfer, metadata: eventMetadata };

const refusal = (history: TransferPosted[], command: PostTransfer | ReverseTransfer): { code: string; field?: string } => {
  const error = spec(transferDecider).given(history).when(command).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  return { code: error.code, field: error.field };
};

describe('posting a transfer', () => {
  it('given two accounts of the same unit, when a covered amount is posted, then the transfer is posted with both account kinds', () => {
    spec(transferDecider).given([]).when(post()).then([posted]);
  });

  it('given a posted transfer, when the same transfer is resubmitted, then nothing new is posted (the original stands)', () => {
    spec(transferDecider).given([posted]).when(post()).then([]);
  });

  it('given a posted transfer, when its id is reused for a different transfer, then it is refused', () => {
    expect(refusal([posted], post({ amountMinor: 2_600 }))).toEqual({ code: 'TRANSFER_ID_REUSED', field: 'transferId' });
  });

  it('refuses zero, negative and fractional amounts, naming the field', () => {
    expect(refusal([], post({ amountMinor: 0 }))).toEqual({ code: 'AMOUNT_NOT_POSITIVE', field: 'amountMinor' });
    expect(refusal([], post({ amountMinor: -5 }))).toEqual({ code: 'AMOUNT_NOT_POSITIVE', field: 'amountMinor' });
    expect(refusal([], post({ amountMinor: 12.5 }))).toEqual({ code: 'FRACTIONAL_MINOR_UNIT', field: 'amountMinor' });
  });

  it('refuses a transfer between accounts of different units', () => {
    expect(refusal([], post({}, treasury, account('usd', { unit: 'USD', kind: 'external-sink' })))).toEqual({ code: 'UNIT_MISMATCH', field: 'unit' });
    expect(refusal([], post({ unit: 'HOUR' }))).toEqual({ code: 'UNIT_MISMATCH', field: 'unit' });
  });

  it('refuses an overdraft of a money account: insufficient funds', () => {
    expect(refusal([], post({ amountMinor: 10_001 }))).toEqual({ code: 'INSUFFICIENT_FUNDS', field: 'amountMinor' });
  });

  it('lets a time account run down to its credit limit and no further', () => {
    const ana = account('ana', { kind: 'member-time', unit: 'HOUR', floorMinor: -600, balanceMinor: 0 });
    const bo = account('bo', { kind: 'member-time', unit: 'HOUR', floorMinor: -600, balanceMinor: 0 });
    const exchange = { unit: 'HOUR', debitAccountId: 'ana', creditAccountId: 'bo', kind: 'time-exchange' as const, category: null };
    spec(transferDecider)
      .given([])
      .when(post({ ...exchange, amountMinor: 600 }, ana, bo))
      .then([
        {
          type: 'TransferPosted',
          data: { ...details, ...exchange, amountMinor: 600, debitAccountKind: 'member-time', creditAccountKind: 'member-time', postedAt: now },
          metadata: eventMetadata,
        },
      ]);
    expect(refusal([], post({ ...exchange, amountMinor: 601 }, ana, bo))).toEqual({ code: 'CREDIT_LIMIT_REACHED', field: 'amountMinor' });
  });

  it('refuses taking more hours out of the community pool than it holds', () => {
    const pool = account('pool', { kind: 'community-time-pool', unit: 'HOUR', balanceMinor: 60 });
    const member = account('cy', { kind: 'member-time', unit: 'HOUR', floorMinor: -600, balanceMinor: 0 });
    expect(refusal([], post({ unit: 'HOUR', kind: 'pool-grant', debitAccountId: 'pool', creditAccountId: 'cy', amountMinor: 61 }, pool, member))).toEqual({
      code: 'INSUFFICIENT_HOURS',
      field: 'amountMinor',
    });
  });

  it('lets an external source go below zero: it stands for the world outside', () => {
    const donations = account('donations', { kind: 'external-source', floorMinor: null, balanceMinor: -50_000 });
    spec(transferDecider)
      .given([])
      .when(post({ kind: 'contribution', debitAccountId: 'donations', creditAccountId: 'treasury', amountMinor: 90_000 }, donations, treasury))
      .then([
        {
          type: 'TransferPosted',
          data: {
            ...details,
            kind: 'contribution',
            debitAccountId: 'donations',
            creditAccountId: 'treasury',
            amountMinor: 90_000,
            debitAccountKind: 'external-source',
            creditAccountKind: 'treasury',
            postedAt: now,
          },
          metadata: eventMetadata,
        },
      ]);
  });

  it('refuses unknown accounts, the same account on both sides, and an account of another pod', () => {
    expect(refusal([], post({}, null, payouts))).toEqual({ code: 'ACCOUNT_NOT_FOUND', field: 'debitAccountId' });
    expect(refusal([], post({}, treasury, null))).toEqual({ code: 'ACCOUNT_NOT_FOUND', field: 'creditAccountId' });
    expect(refusal([], post({ creditAccountId: 'treasury' }, treasury, treasury))).toEqual({ code: 'SAME_ACCOUNT', field: 'creditAccountId' });
    expect(refusal([], post({}, treasury, account('payouts', { podId: 'pod-2', kind: 'external-sink' })))).toEqual({
      code: 'ACCOUNT_IN_OTHER_POD',
      field: 'creditAccountId',
    });
  });

  it('refuses a reversal posted as an ordinary transfer: reversals go through the original', () => {
    expect(refusal([], post({ kind: 'reversal', reversesTransferId: 't-0' }))).toEqual({ code: 'USE_REVERSE_TRANSFER', field: 'kind' });
  });
});

describe('reversing a transfer', () => {
  const reverse = (overrides: Partial<ReverseTransfer['data']> = {}): ReverseTransfer => ({
    type: 'ReverseTransfer',
    data: {
      reversalTransferId: 'r-1',
      original: postedTransfer,
      originalReversedBy: null,
      debitAccount: account('payouts', { kind: 'external-sink', balanceMinor: 2_500 }),
      creditAccount: account('treasury', { balanceMinor: 7_500 }),
      ...overrides,
    },
    metadata,
  });
  const reversal: TransferPosted = {
    type: 'TransferPosted',
    data: {
      ...details,
      transferId: 'r-1',
      debitAccountId: 'payouts',
      creditAccountId: 'treasury',
      kind: 'reversal',
      reversesTransferId: 't-1',
      debitAccountKind: 'external-sink',
      creditAccountKind: 'treasury',
      postedAt: now,
    },
    metadata: eventMetadata,
  };

  it('given a posted transfer, when it is reversed, then its mirror is posted referencing it', () => {
    spec(transferDecider).given([]).when(reverse()).then([reversal]);
  });

  it('given the reversal was posted, when it is asked for again, then nothing new is posted', () => {
    spec(transferDecider).given([reversal]).when(reverse()).then([]);
  });

  it('refuses to reverse twice, to reverse a reversal, or to reverse what does not exist', () => {
    expect(refusal([], reverse({ originalReversedBy: 'r-0' }))).toEqual({ code: 'ALREADY_REVERSED', field: 'transferId' });
    expect(refusal([], reverse({ original: reversal.data }))).toEqual({ code: 'REVERSAL_NOT_REVERSIBLE', field: 'transferId' });
    expect(refusal([], reverse({ original: null }))).toEqual({ code: 'TRANSFER_NOT_FOUND', field: 'transferId' });
  });

  it('refuses a reversal the credited account can no longer cover', () => {
    expect(refusal([], reverse({ debitAccount: account('payouts', { kind: 'external-sink', balanceMinor: 100 }) }))).toEqual({
      code: 'INSUFFICIENT_FUNDS',
      field: 'amountMinor',
    });
  });

  it('marks the original reversed once; a second, different reversal is refused', () => {
    const mark = (reversalTransferId: string) => ({ type: 'MarkTransferReversed' as const, data: { transferId: 't-1', reversalTransferId }, metadata });
    const reversed = { type: 'TransferReversed' as const, data: { transferId: 't-1', reversalTransferId: 'r-1', reversedAt: now }, metadata: eventMetadata };
    spec(transferDecider).given([posted]).when(mark('r-1')).then([reversed]);
    spec(transferDecider).given([posted, reversed]).when(mark('r-1')).then([]);
    spec(transferDecider)
      .given([posted, reversed])
      .when(mark('r-2'))
      .thenThrows(DomainRuleViolation, /already reversed/);
    expect(spec(transferDecider).given([posted, reversed]).state()).toEqual({ status: 'posted', transfer: postedTransfer, reversedByTransferId: 'r-1' });
  });
});
