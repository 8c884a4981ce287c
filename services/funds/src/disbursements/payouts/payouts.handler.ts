import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, setTransactionPod, streamName } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { DomainRuleViolation } from '@mutuo/domain';
import { disbursementDecider, type DisbursementCommand, type DisbursementEvent, type DisbursementState } from '../../domain/disbursement.decider';
import { payoutDecider, type PayoutCommand, type PayoutEvent, type PayoutState, type ProposalSnapshot } from '../../domain/payout.decider';
import { checkUuid } from '../../funds.input';
import { fundsCaller, type FundsCaller } from '../../funds.caller';
import { FundsPolicies } from '../../shared/funds-policies.repository';
import { derivedTransferId, podAccounts } from '../../shared/account-ids';
import { Ledger } from '../../shared/ledger.service';
import { PodRoles } from '../../shared/pod-roles.repository';
import { disbursementStream } from '../../shared/disbursement-stream';
import { PAYOUT_PROCESSOR, type PayoutProcessor } from '../payout-processor';

export const payoutStream = (podId: string, proposalId: string) => streamName('disbursement-payout', podId, proposalId);

export interface RecordPayoutInput {
  proposalId: string;
  method: string;
  externalReference: string;
  proofSha256?: string | null;
  proofReference?: string | null;
  paidAt: string;
}

export interface PayoutOutcome {
  readonly proposal: DisbursementState;
  readonly payout: PayoutState;
}

/**
 * Payouts of approved proposals: recorded by treasurers as paid outside the platform (or paid through the payout
 * processor when one is configured), confirmed, failed or reversed. Money moves on the ledger only when a payout is
 * confirmed (treasury → payouts) or reversed (the mirror), in the same transaction as the payout's events.
 */
@Injectable()
export class PayoutsHandler {
  private readonly payouts: CommandHandler<PayoutState, PayoutCommand, PayoutEvent>;
  private readonly proposals: CommandHandler<DisbursementState, DisbursementCommand, DisbursementEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly ledger: Ledger,
    private readonly roles: PodRoles,
    private readonly policies: FundsPolicies,
    @Inject(PAYOUT_PROCESSOR) private readonly processor: PayoutProcessor | null,
    private readonly clock: Clock,
  ) {
    this.payouts = new CommandHandler(store, payoutDecider);
    this.proposals = new CommandHandler(store, disbursementDecider);
  }

  /** A treasurer says the money left outside the platform; a second treasurer confirms when the policy asks for two. */
  record(input: RecordPayoutInput, ctx: RequestContext): Promise<PayoutOutcome> {
    return this.inPod(ctx, input.proposalId, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      const policy = await this.policies.of(tx, caller.podId);
      const { state, newEvents } = await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'RecordPayout',
        data: {
          proposal: snapshotOf(caller.podId, proposalId, proposal),
          recorderMemberId: caller.memberId,
          recorderIsTreasurer: caller.treasurer,
          confirmationsRequired: policy.treasurerApprovalsRequired > 1 ? 2 : 1,
          method: input.method,
          externalReference: input.externalReference,
          proofSha256: input.proofSha256 ?? null,
          proofReference: input.proofReference ?? null,
          paidAt: input.paidAt,
          transferId: payoutTransferId(caller.podId, proposalId),
        },
        metadata: caller.metadata,
      });
      return { proposal: await this.settle(tx, caller, proposal, state, newEvents.length > 0), payout: state };
    });
  }

  confirm(proposalIdInput: string, ctx: RequestContext): Promise<PayoutOutcome> {
    return this.inPod(ctx, proposalIdInput, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      const { state, newEvents } = await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'ConfirmPayout',
        data: { confirmerMemberId: caller.memberId, confirmerIsTreasurer: caller.treasurer, transferId: payoutTransferId(caller.podId, proposalId) },
        metadata: caller.metadata,
      });
      return { proposal: await this.settle(tx, caller, proposal, state, newEvents.length > 0), payout: state };
    });
  }

  /** Before money moved: nothing is posted, and the proposal is approved and unpaid again. */
  recordFailure(input: { proposalId: string; failure: string }, ctx: RequestContext): Promise<PayoutOutcome> {
    return this.inPod(ctx, input.proposalId, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      const { state } = await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'RecordPayoutFailure',
        data: { memberId: caller.memberId, memberIsTreasurer: caller.treasurer, failure: input.failure },
        metadata: caller.metadata,
      });
      return { proposal, payout: state };
    });
  }

  /** After money moved: the mirror transfer puts it back in the treasury; the original posting stays as it was. */
  reverse(input: { proposalId: string; reason: string }, ctx: RequestContext): Promise<PayoutOutcome> {
    return this.inPod(ctx, input.proposalId, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      const reversalTransferId = derivedTransferId(`disbursement-reversal:${caller.podId}:${proposalId}`);
      const { state, newEvents } = await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'ReversePayout',
        data: { memberId: caller.memberId, memberIsTreasurer: caller.treasurer, reason: input.reason, reversalTransferId },
        metadata: caller.metadata,
      });
      if (newEvents.length > 0 && state.status === 'reversed') {
        await this.ledger.reverse(tx, { podId: caller.podId, transferId: state.transferId, reversalTransferId }, caller.metadata);
      }
      return { proposal, payout: state };
    });
  }

  /**
   * Pays through the configured processor, in one transaction: the payout's events and the transfer out of the
   * treasury (refused for insufficient funds under the treasury's lock, so of two payouts racing for the last money
   * exactly one is paid), then the processor (idempotent by proposal: a retry after a failed commit gets the same
   * payout back). Without a processor (manual mode) treasurers record payouts instead.
   */
  async payThroughProcessor(proposalIdInput: string, ctx: RequestContext): Promise<PayoutOutcome> {
    try {
      return await this.payOnce(proposalIdInput, ctx);
    } catch (error) {
      // The payment rolled back; the decline itself is kept, in a transaction of its own.
      if (error instanceof DomainRuleViolation && error.code === 'PAYOUT_DECLINED') await this.recordDecline(proposalIdInput, ctx);
      throw error;
    }
  }

  private recordDecline(proposalIdInput: string, ctx: RequestContext): Promise<void> {
    return this.inPod(ctx, proposalIdInput, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'RecordProcessorDecline',
        data: { proposal: snapshotOf(caller.podId, proposalId, proposal), memberId: caller.memberId },
        metadata: caller.metadata,
      });
    });
  }

  private payOnce(proposalIdInput: string, ctx: RequestContext): Promise<PayoutOutcome> {
    return this.inPod(ctx, proposalIdInput, async (tx, caller, proposalId) => {
      const proposal = await this.loadProposal(tx, caller.podId, proposalId);
      const payout = (await this.payouts.load(tx, payoutStream(caller.podId, proposalId))).state;
      if (proposal.status === 'paid') return { proposal, payout };
      if (this.processor === null) {
        throw new DomainRuleViolation(
          'NO_PAYOUT_PROCESSOR',
          'This deployment pays no one automatically: pay outside the platform and record the payout with its reference and proof',
          'proposalId',
        );
      }
      if (proposal.status === 'none') throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such disbursement proposal', 'proposalId');
      if (proposal.status !== 'approved') {
        throw new DomainRuleViolation('NOT_APPROVED', `Only an approved proposal is paid; this one is ${proposal.status}`, 'proposalId');
      }
      if (!caller.treasurer) throw new DomainRuleViolation('NOT_A_TREASURER', 'Only treasurers of the pod pay disbursements');
      if (payout.status !== 'unpaid') {
        throw new DomainRuleViolation('PAYOUT_ALREADY_RECORDED', 'A payout is already recorded for this proposal', 'proposalId');
      }
      const transferId = payoutTransferId(caller.podId, proposalId);
      // The treasury's lock first: the processor is asked to pay only money the pod has.
      await this.postPayoutTransfer(tx, caller, proposal, transferId);
      const { processorReference } = await this.processor.payout({
        idempotencyKey: proposalId,
        podId: caller.podId,
        currency: proposal.proposal.currency,
        amountMinor: proposal.proposal.amountMinor,
        recipientMemberId: proposal.proposal.recipientMemberId,
      });
      const recorded = await this.payouts.handle(tx, payoutStream(caller.podId, proposalId), {
        type: 'RecordPayout',
        data: {
          proposal: snapshotOf(caller.podId, proposalId, proposal),
          recorderMemberId: caller.memberId,
          recorderIsTreasurer: caller.treasurer,
          confirmationsRequired: 1,
          method: 'processor',
          externalReference: processorReference,
          proofSha256: null,
          proofReference: null,
          paidAt: caller.metadata.now,
          transferId,
        },
        metadata: caller.metadata,
      });
      return { proposal: await this.markPaid(tx, caller, proposal, transferId, processorReference), payout: recorded.state };
    });
  }

  /** A confirmed payout moves the money: treasury → payouts on the ledger, and the proposal is paid. */
  private async settle(tx: EntityManager, caller: FundsCaller, proposal: DisbursementState, payout: PayoutState, decided: boolean): Promise<DisbursementState> {
    if (!decided || payout.status !== 'paid') return proposal;
    await this.postPayoutTransfer(tx, caller, proposal, payout.transferId);
    // Treasurers' references stay in funds: the published event says only how and in which attempt it was paid.
    return this.markPaid(tx, caller, proposal, payout.transferId, `manual:${payout.record.method}:attempt-${payout.record.attempt}`);
  }

  private async postPayoutTransfer(tx: EntityManager, caller: FundsCaller, state: DisbursementState, transferId: string): Promise<void> {
    if (state.status === 'none') return;
    const { proposal } = state;
    const treasury = podAccounts.treasury(caller.podId, proposal.currency);
    const payouts = podAccounts.payouts(caller.podId, proposal.currency);
    await this.ledger.post(
      tx,
      {
        transferId,
        podId: caller.podId,
        unit: proposal.currency,
        amountMinor: proposal.amountMinor,
        debitAccountId: treasury.accountId,
        creditAccountId: payouts.accountId,
        kind: 'disbursement',
        reversesTransferId: null,
        requestId: proposal.requestId,
        sourceId: proposal.proposalId,
        category: proposal.category,
      },
      caller.metadata,
      { open: [treasury, payouts] },
    );
  }

  private async markPaid(
    tx: EntityManager,
    caller: FundsCaller,
    proposal: DisbursementState,
    transferId: string,
    reference: string,
  ): Promise<DisbursementState> {
    if (proposal.status === 'none') return proposal;
    const stream = disbursementStream(caller.podId, proposal.proposal.proposalId);
    return (
      await this.proposals.handle(tx, stream, { type: 'MarkDisbursementPaid', data: { transferId, processorReference: reference }, metadata: caller.metadata })
    ).state;
  }

  private async loadProposal(tx: EntityManager, podId: string, proposalId: string): Promise<DisbursementState> {
    return (await this.proposals.load(tx, disbursementStream(podId, proposalId))).state;
  }

  private inPod<T>(ctx: RequestContext, proposalId: string, work: (tx: EntityManager, caller: FundsCaller, proposalId: string) => Promise<T>): Promise<T> {
    const checkedId = checkUuid(proposalId, 'proposalId');
    return this.em.fork().transactional(async (tx) => {
      const caller = await fundsCaller(tx, this.roles, ctx, this.clock.now());
      await setTransactionPod(tx, caller.podId);
      return work(tx, caller, checkedId);
    });
  }
}

/** One successful payout per proposal (a reversed one is not paid again), so one transfer id per proposal. */
function payoutTransferId(podId: string, proposalId: string): string {
  return derivedTransferId(`disbursement:${podId}:${proposalId}`);
}

function snapshotOf(podId: string, proposalId: string, state: DisbursementState): ProposalSnapshot {
  if (state.status === 'none') return { proposalId, podId, status: 'none', currency: '', amountMinor: 0 };
  return { proposalId, podId, status: state.status, currency: state.proposal.currency, amountMinor: state.proposal.amountMinor };
}
