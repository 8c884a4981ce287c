import { DomainRuleViolation, spec } from '@mutuo/domain';
import { payoutDecider, type PayoutCommand, type PayoutEvent, type PayoutRecord, type ProposalSnapshot, type RecordPayout } from './payout.decider';

const now = '2026-12-07T10:00:00.000Z';
const metadata = { now, actorId: 'person-bo', podId: 'pod-1' };
const eventMetadata = { occurredAt: now, actorId: 'person-bo', podId: 'pod-1' };
const proof = 'a'.repeat(64);
const approvedProposal: ProposalSnapshot = { proposalId: 'p-1', podId: 'pod-1', status: 'approved', currency: 'EUR', amountMinor: 3_000 };

/** Bo, a treasurer, paid Cy's groceries by bank transfer yesterday and records it. */
const record = (overrides: Partial<RecordPayout['data']> = {}): RecordPayout => ({
  type: 'RecordPayout',
  data: {
    proposal: approvedProposal,
    recorderMemberId: 'bo',
    recorderIsTreasurer: true,
    confirmationsRequired: 2,
    method: 'bank-transfer',
    externalReference: 'SEPA 2026-12-06/0042',
    proofSha256: proof.toUpperCase(),
    proofReference: 'receipts/2026-12/0042.pdf',
    paidAt: '2026-12-06T15:30:00Z',
    transferId: 't-1',
    ...overrides,
  },
  metadata,
});
const recordOf = (overrides: Partial<PayoutRecord> = {}): PayoutRecord => ({
  proposalId: 'p-1',
  podId: 'pod-1',
  attempt: 1,
  method: 'bank-transfer',
  externalReference: 'SEPA 2026-12-06/0042',
  proofSha256: proof,
  proofReference: 'receipts/2026-12/0042.pdf',
  currency: 'EUR',
  amountMinor: 3_000,
  paidAt: '2026-12-06T15:30:00.000Z',
  recordedByMemberId: 'bo',
  recordedAt: now,
  confirmationsRequired: 2,
  ...overrides,
});
const recorded = (overrides: Partial<PayoutRecord> = {}): PayoutEvent => ({ type: 'PayoutRecorded', data: recordOf(overrides), metadata: eventMetadata });
const confirmedBy = (memberIds: string[], attempt = 1): PayoutEvent => ({
  type: 'PayoutConfirmed',
  data: { proposalId: 'p-1', podId: 'pod-1', attempt, confirmedByMemberIds: memberIds, transferId: 't-1', confirmedAt: now },
  metadata: eventMetadata,
});
const failed: PayoutEvent = {
  type: 'PayoutFailed',
  data: { proposalId: 'p-1', podId: 'pod-1', attempt: 1, failure: 'returned-by-bank', recordedByMemberId: 'dee', failedAt: now },
  metadata: eventMetadata,
};
const reversed: PayoutEvent = {
  type: 'PayoutReversed',
  data: {
    proposalId: 'p-1',
    podId: 'pod-1',
    attempt: 1,
    currency: 'EUR',
    amountMinor: 3_000,
    transferId: 't-1',
    reversalTransferId: 'r-1',
    reason: 'returned-by-bank',
    reversedByMemberId: 'dee',
    reversedAt: now,
  },
  metadata: eventMetadata,
};
const confirm = (confirmerMemberId: string, confirmerIsTreasurer = true): PayoutCommand => ({
  type: 'ConfirmPayout',
  data: { confirmerMemberId, confirmerIsTreasurer, transferId: 't-1' },
  metadata,
});
const fail = (memberId = 'dee', failure = 'returned-by-bank', memberIsTreasurer = true): PayoutCommand => ({
  type: 'RecordPayoutFailure',
  data: { memberId, memberIsTreasurer, failure },
  metadata,
});
const reverse = (reason = 'returned-by-bank', memberIsTreasurer = true, reversalTransferId = 'r-1'): PayoutCommand => ({
  type: 'ReversePayout',
  data: { memberId: 'dee', memberIsTreasurer, reason, reversalTransferId },
  metadata,
});
const refusal = (history: PayoutEvent[], command: PayoutCommand) => {
  const error = spec(payoutDecider).given(history).when(command).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  return { code: error.code, field: error.field };
};

describe('payout decider', () => {
  describe('recording a payout made outside the platform', () => {
    it('records it awaiting a second treasurer when the policy wants more than one approval (proof hash kept in lower case)', () => {
      spec(payoutDecider).given([]).when(record()).then([recorded()]);
    });

    it('confirms it at once when one approval is enough', () => {
      spec(payoutDecider)
        .given([])
        .when(record({ confirmationsRequired: 1 }))
        .then([recorded({ confirmationsRequired: 1 }), confirmedBy(['bo'])]);
    });

    it('is idempotent when the same treasurer records the same payout twice, and refuses a different one', () => {
      spec(payoutDecider).given([recorded()]).when(record()).then([]);
      spec(payoutDecider)
        .given([recorded(), confirmedBy(['bo', 'dee'])])
        .when(record())
        .then([]);
      expect(refusal([recorded()], record({ externalReference: 'other' }))).toEqual({ code: 'PAYOUT_ALREADY_RECORDED', field: 'proposalId' });
      expect(refusal([recorded()], record({ recorderMemberId: 'dee' }))).toEqual({ code: 'PAYOUT_ALREADY_RECORDED', field: 'proposalId' });
    });

    it('pays only an approved proposal', () => {
      expect(refusal([], record({ proposal: { ...approvedProposal, status: 'proposed' } }))).toEqual({ code: 'NOT_APPROVED', field: 'proposalId' });
      expect(refusal([], record({ proposal: { ...approvedProposal, status: 'rejected' } }))).toEqual({ code: 'NOT_APPROVED', field: 'proposalId' });
      expect(refusal([], record({ proposal: { ...approvedProposal, status: 'none' } }))).toEqual({ code: 'PROPOSAL_NOT_FOUND', field: 'proposalId' });
    });

    it('is recorded only by a treasurer', () => {
      expect(refusal([], record({ recorderIsTreasurer: false }))).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
    });

    it('wants a known method, a reference, a SHA-256 proof and a time that has passed, naming the field', () => {
      expect(refusal([], record({ method: 'crypto' }))).toEqual({ code: 'INVALID_VALUE', field: 'method' });
      expect(refusal([], record({ externalReference: '  ' }))).toEqual({ code: 'REFERENCE_REQUIRED', field: 'externalReference' });
      expect(refusal([], record({ externalReference: 'ref\u0000' }))).toEqual({ code: 'INVALID_REFERENCE', field: 'externalReference' });
      expect(refusal([], record({ proofSha256: null }))).toEqual({ code: 'PROOF_REQUIRED', field: 'proofSha256' });
      expect(refusal([], record({ proofSha256: 'abc' }))).toEqual({ code: 'INVALID_PROOF_HASH', field: 'proofSha256' });
      expect(refusal([], record({ proofReference: '../\n' }))).toEqual({ code: 'INVALID_REFERENCE', field: 'proofReference' });
      expect(refusal([], record({ paidAt: 'yesterday' }))).toEqual({ code: 'INVALID_DATE', field: 'paidAt' });
      expect(refusal([], record({ paidAt: '2026-12-08T00:00:00Z' }))).toEqual({ code: 'PAID_AT_IN_FUTURE', field: 'paidAt' });
    });

    it("takes the processor's reference as its proof", () => {
      const events = spec(payoutDecider)
        .given([])
        .when(record({ method: 'processor', proofSha256: null, proofReference: null, confirmationsRequired: 1 }))
        .then([recorded({ method: 'processor', proofSha256: null, proofReference: null, confirmationsRequired: 1 }), confirmedBy(['bo'])]);
      expect(events).toHaveLength(2);
    });
  });

  describe("a second treasurer's confirmation", () => {
    it('confirms the payout, listing both treasurers', () => {
      spec(payoutDecider)
        .given([recorded()])
        .when(confirm('dee'))
        .then([confirmedBy(['bo', 'dee'])]);
      expect(
        spec(payoutDecider)
          .given([recorded(), confirmedBy(['bo', 'dee'])])
          .state(),
      ).toMatchObject({ status: 'paid', transferId: 't-1' });
    });

    it('is never the recorder, always a treasurer, and idempotent for the same confirmer', () => {
      expect(refusal([recorded()], confirm('bo'))).toEqual({ code: 'OWN_PAYOUT_RECORD', field: 'proposalId' });
      expect(refusal([recorded()], confirm('ana', false))).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
      spec(payoutDecider)
        .given([recorded(), confirmedBy(['bo', 'dee'])])
        .when(confirm('dee'))
        .then([]);
      expect(refusal([recorded(), confirmedBy(['bo', 'dee'])], confirm('eva'))).toEqual({ code: 'PAYOUT_ALREADY_CONFIRMED', field: 'proposalId' });
      expect(refusal([], confirm('dee'))).toEqual({ code: 'NO_PAYOUT_RECORDED', field: 'proposalId' });
    });
  });

  describe('a payout that failed before money moved', () => {
    it('is recorded as failed and the proposal is unpaid again: a new attempt may be recorded', () => {
      spec(payoutDecider).given([recorded()]).when(fail()).then([failed]);
      expect(spec(payoutDecider).given([recorded(), failed]).state()).toMatchObject({
        status: 'unpaid',
        attempts: 1,
        lastFailure: { failure: 'returned-by-bank' },
      });
      spec(payoutDecider)
        .given([recorded(), failed])
        .when(record({ externalReference: 'cash receipt 7', method: 'cash' }))
        .then([recorded({ attempt: 2, externalReference: 'cash receipt 7', method: 'cash' })]);
    });

    it('is idempotent for the same click, refused once confirmed (reverse instead), and needs a known failure and a treasurer', () => {
      spec(payoutDecider).given([recorded(), failed]).when(fail()).then([]);
      expect(refusal([recorded(), confirmedBy(['bo', 'dee'])], fail())).toEqual({ code: 'PAYOUT_ALREADY_CONFIRMED', field: 'proposalId' });
      expect(refusal([recorded()], fail('dee', 'lost'))).toEqual({ code: 'INVALID_VALUE', field: 'failure' });
      expect(refusal([recorded()], fail('ana', 'other', false))).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
      expect(refusal([], fail())).toEqual({ code: 'NO_PAYOUT_RECORDED', field: 'proposalId' });
    });
  });

  describe('a payout the processor declined', () => {
    it('is on record as a failed attempt, and the next attempt counts on from it', () => {
      const decline: PayoutCommand = { type: 'RecordProcessorDecline', data: { proposal: approvedProposal, memberId: 'bo' }, metadata };
      const declined: PayoutEvent = {
        type: 'PayoutFailed',
        data: { proposalId: 'p-1', podId: 'pod-1', attempt: 1, failure: 'declined-by-processor', recordedByMemberId: 'bo', failedAt: now },
        metadata: eventMetadata,
      };
      spec(payoutDecider).given([]).when(decline).then([declined]);
      spec(payoutDecider)
        .given([declined])
        .when(record())
        .then([recorded({ attempt: 2 })]);
      expect(refusal([recorded()], decline)).toEqual({ code: 'NOT_APPROVED', field: 'proposalId' });
      expect(refusal([], { ...decline, data: { ...decline.data, proposal: { ...approvedProposal, status: 'paid' } } })).toEqual({
        code: 'NOT_APPROVED',
        field: 'proposalId',
      });
    });
  });

  describe('reversing a payout after money moved', () => {
    it('reverses a confirmed payout with a compensating transfer, once', () => {
      const paid = [recorded(), confirmedBy(['bo', 'dee'])];
      spec(payoutDecider).given(paid).when(reverse()).then([reversed]);
      spec(payoutDecider)
        .given([...paid, reversed])
        .when(reverse())
        .then([]);
      expect(refusal([...paid, reversed], reverse('returned-by-bank', true, 'r-2'))).toEqual({ code: 'PAYOUT_REVERSED', field: 'proposalId' });
      expect(
        spec(payoutDecider)
          .given([...paid, reversed])
          .state(),
      ).toMatchObject({ status: 'reversed', transferId: 't-1', reversalTransferId: 'r-1' });
    });

    it('reverses only a confirmed payout, by a treasurer, for a known reason; a reversed payout is not recorded again', () => {
      const paid = [recorded(), confirmedBy(['bo', 'dee'])];
      expect(refusal([recorded()], reverse())).toEqual({ code: 'NOT_PAID', field: 'proposalId' });
      expect(refusal(paid, reverse('changed my mind'))).toEqual({ code: 'INVALID_VALUE', field: 'reason' });
      expect(refusal(paid, reverse('other', false))).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
      expect(refusal([...paid, reversed], record())).toEqual({ code: 'PAYOUT_REVERSED', field: 'proposalId' });
      expect(refusal([...paid, reversed], confirm('eva'))).toEqual({ code: 'PAYOUT_REVERSED', field: 'proposalId' });
    });
  });
});
