import { PAYOUT_FAILURES, PAYOUT_METHODS, PAYOUT_REVERSAL_REASONS, type PayoutFailure, type PayoutMethod, type PayoutReversalReason } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, oneOf } from '@mutuo/domain';
import { checkProof, checkReference } from './payout-details';

/**
 * The payout of one approved disbursement proposal, in its own stream beside the proposal's: recorded by a treasurer
 * as paid outside the platform (or by the payout processor), confirmed by a second treasurer when the pod's policy
 * wants more than one approval, recorded as failed before money moved, or reversed after it moved. The handler posts
 * the ledger transfer when `PayoutConfirmed` is decided and its mirror when `PayoutReversed` is.
 */
export type { PayoutFailure, PayoutMethod, PayoutReversalReason };

/** What the proposal's own stream says, read in the same transaction as the command. */
export interface ProposalSnapshot {
  readonly proposalId: string;
  readonly podId: string;
  /** The proposal's status: only an approved one is paid. */
  readonly status: 'none' | 'proposed' | 'approved' | 'rejected' | 'paid';
  readonly currency: string;
  readonly amountMinor: number;
}

export interface PayoutRecord {
  readonly proposalId: string;
  readonly podId: string;
  /** 1 for the first payout recorded for the proposal, 2 after one failed, and so on. */
  readonly attempt: number;
  readonly method: PayoutMethod;
  /** The bank's or processor's reference, the receipt number: what finds the payment outside the platform. */
  readonly externalReference: string;
  /** SHA-256 of the proof (bank statement, signed receipt); the document itself stays outside the events. */
  readonly proofSha256: string | null;
  /** Where the pod keeps that document (a folder and file name, an archive id). */
  readonly proofReference: string | null;
  readonly currency: string;
  readonly amountMinor: number;
  /** When the money left, as the recorder says. */
  readonly paidAt: string;
  readonly recordedByMemberId: string;
  readonly recordedAt: string;
  readonly confirmationsRequired: 1 | 2;
}

export interface PayoutFailureNote {
  readonly attempt: number;
  readonly failure: PayoutFailure;
  readonly recordedByMemberId: string;
  readonly failedAt: string;
}

type History = { attempts: number; lastFailure: PayoutFailureNote | null };
type Confirmed = { record: PayoutRecord; confirmedByMemberIds: readonly string[]; transferId: string; confirmedAt: string };
export type PayoutState =
  | ({ status: 'unpaid' } & History)
  | ({ status: 'awaiting-confirmation'; record: PayoutRecord } & History)
  | ({ status: 'paid' } & Confirmed & History)
  | ({
      status: 'reversed';
      reversalTransferId: string;
      reason: PayoutReversalReason;
      reversedByMemberId: string;
      reversedAt: string;
    } & Confirmed &
      History);

export type RecordPayout = Command<
  'RecordPayout',
  {
    proposal: ProposalSnapshot;
    recorderMemberId: string;
    recorderIsTreasurer: boolean;
    /** 2 when the pod's policy wants more than one treasurer approval, else 1 (see docs/funds.md). */
    confirmationsRequired: 1 | 2;
    method: string;
    externalReference: string;
    proofSha256: string | null;
    proofReference: string | null;
    paidAt: string;
    /** The ledger transfer posted once the payout is confirmed. */
    transferId: string;
  }
>;
export type ConfirmPayout = Command<'ConfirmPayout', { confirmerMemberId: string; confirmerIsTreasurer: boolean; transferId: string }>;
export type RecordPayoutFailure = Command<'RecordPayoutFailure', { memberId: string; memberIsTreasurer: boolean; failure: string }>;
export type ReversePayout = Command<'ReversePayout', { memberId: string; memberIsTreasurer: boolean; reason: string; reversalTransferId: string }>;
/** The payout processor declined: nothing was paid or posted, and the attempt is on record. */
export type RecordProcessorDecline = Command<'RecordProcessorDecline', { proposal: ProposalSnapshot; memberId: string }>;
export type PayoutCommand = RecordPayout | ConfirmPayout | RecordPayoutFailure | RecordProcessorDecline | ReversePayout;

export type PayoutRecorded = DomainEvent<'PayoutRecorded', PayoutRecord>;
export type PayoutConfirmed = DomainEvent<
  'PayoutConfirmed',
  { proposalId: string; podId: string; attempt: number; confirmedByMemberIds: string[]; transferId: string; confirmedAt: string }
>;
export type PayoutFailed = DomainEvent<
  'PayoutFailed',
  { proposalId: string; podId: string; attempt: number; failure: PayoutFailure; recordedByMemberId: string; failedAt: string }
>;
export type PayoutReversed = DomainEvent<
  'PayoutReversed',
  {
    proposalId: string;
    podId: string;
    attempt: number;
    currency: string;
    amountMinor: number;
    transferId: string;
    reversalTransferId: string;
    reason: PayoutReversalReason;
    reversedByMemberId: string;
    reversedAt: string;
  }
>;
export type PayoutEvent = PayoutRecorded | PayoutConfirmed | PayoutFailed | PayoutReversed;

function sameRecord(record: PayoutRecord, data: RecordPayout['data']): boolean {
  return (
    record.recordedByMemberId === data.recorderMemberId &&
    record.method === data.method &&
    record.externalReference === data.externalReference.trim() &&
    record.proofSha256 === (data.proofSha256 ? data.proofSha256.toLowerCase() : null)
  );
}

const notTreasurer = (what: string) => new DomainRuleViolation('NOT_A_TREASURER', `Only treasurers of the pod ${what}`);
const reversedAlready = () => new DomainRuleViolation('PAYOUT_REVERSED', 'This payout was reversed; propose the disbursement again to pay it', 'proposalId');

export const payoutDecider: Decider<PayoutState, PayoutCommand, PayoutEvent> = {
  initialState: () => ({ status: 'unpaid', attempts: 0, lastFailure: null }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'RecordPayout': {
        const data = command.data;
        if (state.status === 'reversed') throw reversedAlready();
        if (state.status === 'awaiting-confirmation' || state.status === 'paid') {
          // A treasurer clicking twice records the payout once.
          if (sameRecord(state.record, data)) return [];
          throw new DomainRuleViolation('PAYOUT_ALREADY_RECORDED', 'A payout is already recorded for this proposal', 'proposalId');
        }
        const { proposal } = data;
        if (proposal.status === 'none') throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such disbursement proposal', 'proposalId');
        if (proposal.status !== 'approved') {
          throw new DomainRuleViolation('NOT_APPROVED', `Only an approved proposal is paid; this one is ${proposal.status}`, 'proposalId');
        }
        if (!data.recorderIsTreasurer) throw notTreasurer('record payouts');
        const method = oneOf(PAYOUT_METHODS, data.method, 'method');
        const externalReference = checkReference(data.externalReference, 'externalReference', true)!;
        const proofSha256 = checkProof(method, data.proofSha256);
        const proofReference = checkReference(data.proofReference, 'proofReference', false);
        const paidAtMs = Date.parse(data.paidAt);
        if (Number.isNaN(paidAtMs)) throw new DomainRuleViolation('INVALID_DATE', 'Give when the money left as an ISO date-time', 'paidAt');
        if (paidAtMs > Date.parse(now)) throw new DomainRuleViolation('PAID_AT_IN_FUTURE', 'A payout is recorded after the money left, not before', 'paidAt');
        const record: PayoutRecord = {
          proposalId: proposal.proposalId,
          podId: proposal.podId,
          attempt: state.attempts + 1,
          method,
          externalReference,
          proofSha256,
          proofReference,
          currency: proposal.currency,
          amountMinor: proposal.amountMinor,
          paidAt: new Date(paidAtMs).toISOString(),
          recordedByMemberId: data.recorderMemberId,
          recordedAt: now,
          confirmationsRequired: data.confirmationsRequired,
        };
        const events: PayoutEvent[] = [{ type: 'PayoutRecorded', data: record, metadata }];
        if (record.confirmationsRequired === 1) events.push(confirmed(record, [data.recorderMemberId], data.transferId, now, metadata));
        return events;
      }
      case 'ConfirmPayout': {
        const { confirmerMemberId, confirmerIsTreasurer, transferId } = command.data;
        if (state.status === 'unpaid') throw new DomainRuleViolation('NO_PAYOUT_RECORDED', 'No payout is recorded for this proposal', 'proposalId');
        if (state.status === 'reversed') throw reversedAlready();
        if (state.status === 'paid') {
          if (state.confirmedByMemberIds.includes(confirmerMemberId)) return [];
          throw new DomainRuleViolation('PAYOUT_ALREADY_CONFIRMED', 'This payout is already confirmed', 'proposalId');
        }
        if (!confirmerIsTreasurer) throw notTreasurer('confirm payouts');
        if (confirmerMemberId === state.record.recordedByMemberId) {
          throw new DomainRuleViolation('OWN_PAYOUT_RECORD', 'A second treasurer confirms the payout you recorded', 'proposalId');
        }
        return [confirmed(state.record, [state.record.recordedByMemberId, confirmerMemberId], transferId, now, metadata)];
      }
      case 'RecordPayoutFailure': {
        const { memberId, memberIsTreasurer } = command.data;
        if (state.status === 'unpaid') {
          if (state.lastFailure?.recordedByMemberId === memberId && state.lastFailure.failure === command.data.failure) return [];
          throw new DomainRuleViolation('NO_PAYOUT_RECORDED', 'No payout awaiting confirmation is recorded for this proposal', 'proposalId');
        }
        if (state.status === 'paid' || state.status === 'reversed') {
          throw new DomainRuleViolation('PAYOUT_ALREADY_CONFIRMED', 'The money moved: reverse the payout instead', 'proposalId');
        }
        if (!memberIsTreasurer) throw notTreasurer('record failed payouts');
        const failure = oneOf(PAYOUT_FAILURES, command.data.failure, 'failure');
        const { proposalId, podId, attempt } = state.record;
        return [{ type: 'PayoutFailed', data: { proposalId, podId, attempt, failure, recordedByMemberId: memberId, failedAt: now }, metadata }];
      }
      case 'RecordProcessorDecline': {
        if (state.status !== 'unpaid' || command.data.proposal.status !== 'approved') {
          throw new DomainRuleViolation('NOT_APPROVED', 'Only an approved, unpaid proposal goes to the processor', 'proposalId');
        }
        const { proposalId, podId } = command.data.proposal;
        const failure = 'declined-by-processor' as const;
        return [
          {
            type: 'PayoutFailed',
            data: { proposalId, podId, attempt: state.attempts + 1, failure, recordedByMemberId: command.data.memberId, failedAt: now },
            metadata,
          },
        ];
      }
      case 'ReversePayout': {
        const { memberId, memberIsTreasurer, reversalTransferId } = command.data;
        if (state.status === 'reversed') {
          if (state.reversalTransferId === reversalTransferId) return [];
          throw reversedAlready();
        }
        if (state.status !== 'paid') throw new DomainRuleViolation('NOT_PAID', 'Only a confirmed payout is reversed', 'proposalId');
        if (!memberIsTreasurer) throw notTreasurer('reverse payouts');
        const reason = oneOf(PAYOUT_REVERSAL_REASONS, command.data.reason, 'reason');
        const { record } = state;
        return [
          {
            type: 'PayoutReversed',
            data: {
              proposalId: record.proposalId,
              podId: record.podId,
              attempt: record.attempt,
              currency: record.currency,
              amountMinor: record.amountMinor,
              transferId: state.transferId,
              reversalTransferId,
              reason,
              reversedByMemberId: memberId,
              reversedAt: now,
            },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'payout command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PayoutRecorded':
        return { status: 'awaiting-confirmation', record: event.data, attempts: event.data.attempt, lastFailure: state.lastFailure };
      case 'PayoutConfirmed':
        return state.status === 'awaiting-confirmation'
          ? {
              status: 'paid',
              record: state.record,
              confirmedByMemberIds: event.data.confirmedByMemberIds,
              transferId: event.data.transferId,
              confirmedAt: event.data.confirmedAt,
              attempts: state.attempts,
              lastFailure: state.lastFailure,
            }
          : state;
      case 'PayoutFailed': {
        const { attempt, failure, recordedByMemberId, failedAt } = event.data;
        return { status: 'unpaid', attempts: Math.max(state.attempts, attempt), lastFailure: { attempt, failure, recordedByMemberId, failedAt } };
      }
      case 'PayoutReversed':
        return state.status === 'paid'
          ? {
              ...state,
              status: 'reversed',
              reversalTransferId: event.data.reversalTransferId,
              reason: event.data.reason,
              reversedByMemberId: event.data.reversedByMemberId,
              reversedAt: event.data.reversedAt,
            }
          : state;
      default:
        return assertNever(event, 'payout event');
    }
  },
};

function confirmed(
  record: PayoutRecord,
  confirmedByMemberIds: string[],
  transferId: string,
  now: string,
  metadata: ReturnType<typeof eventMetadataFrom>,
): PayoutConfirmed {
  return {
    type: 'PayoutConfirmed',
    data: { proposalId: record.proposalId, podId: record.podId, attempt: record.attempt, confirmedByMemberIds, transferId, confirmedAt: now },
    metadata,
  };
}
