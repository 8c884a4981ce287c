import type { INestApplication } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { inPodTransaction } from '@mutuo/event-store';
import type { SubgraphContext } from '@mutuo/platform';
import { PAYOUT_FAILURES, PAYOUT_METHODS, PAYOUT_REVERSAL_REASONS } from '@mutuo/contracts';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import type { DisbursementState } from '../domain/disbursement.decider';
import { checkUuid } from '../funds.input';
import { withLedgerErrors } from '../shared/ledger.errors';
import { LedgerQueries } from '../shared/ledger.queries';
import { PersonalTexts } from '../shared/personal-texts.store';
import { iso, memberRef, podOf, type MemberRef } from '../shared/funds-views';
import { DisbursementsHandler, type ProposeDisbursementInput } from './disbursements.handler';
import { DisbursementsQueries, type ProposalRow } from './disbursements.queries';
import type { RecordDisbursementPayoutFailureInput, RecordDisbursementPayoutInput, Resolvers, ReverseDisbursementPayoutInput } from '../graphql/schema.types';
import type { PayoutState } from '../domain/payout.decider';
import { payoutFromRow, payoutFromState, type PayoutView } from './payouts/payout.view';
import { PayoutsHandler, type PayoutOutcome } from './payouts/payouts.handler';

const STATUS_FILTER = new Set(['PROPOSED', 'APPROVED', 'REJECTED', 'PAID', 'REVERSED']);

interface ProposalView {
  id: string;
  requestId: string | null;
  proposedBy: MemberRef;
  recipient: MemberRef | null;
  currency: string;
  amountMinor: number;
  category: string;
  reason: string | null;
  emergency: boolean;
  route: string;
  approvalsRequired: number;
  approvals: MemberRef[];
  overBudget: boolean;
  status: string;
  rejectionReason: string | null;
  transferId: string | null;
  processorReference: string | null;
  proposedAt: string;
  payout: PayoutView | null;
}

function proposalFromRow(row: ProposalRow, former: ReadonlySet<string>): ProposalView {
  return {
    id: row.id,
    requestId: row.request_id,
    proposedBy: memberRef(row.proposed_by_member_id, former),
    recipient: row.recipient_member_id ? memberRef(row.recipient_member_id, former) : null,
    currency: row.currency,
    amountMinor: Number(row.amount_minor),
    category: row.category,
    reason: row.reason,
    emergency: row.emergency,
    route: toGraphQLEnum(row.route),
    approvalsRequired: row.approvals_required,
    approvals: row.approver_member_ids.map((id) => memberRef(id, former)),
    overBudget: row.over_budget,
    status: row.payout_status === 'reversed' ? 'REVERSED' : toGraphQLEnum(row.status),
    rejectionReason: row.rejection_reason,
    transferId: row.transfer_id,
    processorReference: row.processor_reference,
    proposedAt: iso(row.proposed_at),
    payout: payoutFromRow(row.id, row, former),
  };
}

export function disbursementsResolvers(app: INestApplication) {
  const em = app.get(EntityManager);
  const ledgerQueries = app.get(LedgerQueries);
  const proposals = app.get(DisbursementsQueries);
  const disbursements = app.get(DisbursementsHandler);
  const payouts = app.get(PayoutsHandler);
  const texts = app.get(PersonalTexts);

  /** A proposal as a command left it (read models may not have caught up yet). */
  async function proposalFromState(podId: string, state: DisbursementState, payoutState?: PayoutState): Promise<ProposalView> {
    if (state.status === 'none') throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such disbursement proposal', 'proposalId');
    const { proposal } = state;
    const rejectionId = state.status === 'rejected' ? state.rejectionReasonTextId : null;
    const [found, former] = await Promise.all([
      inPodTransaction(em.fork(), podId, (tx) => texts.read(tx, [proposal.reasonTextId, ...(rejectionId ? [rejectionId] : [])])),
      ledgerQueries.formerMembers(podId),
    ]);
    return {
      id: proposal.proposalId,
      requestId: proposal.requestId,
      proposedBy: memberRef(proposal.proposedByMemberId, former),
      recipient: proposal.recipientMemberId ? memberRef(proposal.recipientMemberId, former) : null,
      currency: proposal.currency,
      amountMinor: proposal.amountMinor,
      category: proposal.category,
      reason: found.get(proposal.reasonTextId) ?? null,
      emergency: proposal.emergency,
      route: toGraphQLEnum(proposal.route),
      approvalsRequired: proposal.approvalsRequired,
      approvals: state.approverMemberIds.map((id) => memberRef(id, former)),
      overBudget: proposal.overBudget,
      status: payoutState?.status === 'reversed' ? 'REVERSED' : toGraphQLEnum(state.status),
      rejectionReason: rejectionId ? (found.get(rejectionId) ?? null) : null,
      transferId: state.status === 'paid' ? state.transferId : null,
      processorReference: state.status === 'paid' ? state.processorReference : null,
      proposedAt: proposal.proposedAt,
      payout: payoutState ? payoutFromState(proposal.proposalId, payoutState, former) : null,
    };
  }

  const proposalMutation = (work: (ctx: SubgraphContext) => Promise<DisbursementState>) => async (ctx: SubgraphContext) => {
    const podId = podOf(ctx);
    return proposalFromState(podId, await withLedgerErrors(() => work(ctx)));
  };
  const payoutMutation = (work: (ctx: SubgraphContext) => Promise<PayoutOutcome>) => async (ctx: SubgraphContext) => {
    const podId = podOf(ctx);
    const { proposal, payout } = await withLedgerErrors(() => work(ctx));
    return proposalFromState(podId, proposal, payout);
  };

  return {
    Request: {
      disbursements: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const former = await ledgerQueries.formerMembers(podId);
        return (await proposals.forRequest(podId, request.id)).map((row) => proposalFromRow(row, former));
      },
    },
    Query: {
      disbursementProposals: async (_: unknown, args: { status?: string | null }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        if (args.status && !STATUS_FILTER.has(args.status)) throw new DomainRuleViolation('INVALID_STATUS', 'Unknown status', 'status');
        const former = await ledgerQueries.formerMembers(podId);
        return (await proposals.list(podId, args.status ? args.status.toLowerCase() : null)).map((row) => proposalFromRow(row, former));
      },
      disbursementProposal: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const row = await proposals.byId(podId, checkUuid(args.id, 'id'));
        return row ? proposalFromRow(row, await ledgerQueries.formerMembers(podId)) : null;
      },
    },
    Mutation: {
      proposeDisbursement: (_: unknown, args: { input: ProposeDisbursementInput }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.propose(args.input, c))(ctx),
      approveDisbursement: (_: unknown, args: { proposalId: string }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.approve(args.proposalId, c))(ctx),
      recordPodDecision: (_: unknown, args: { input: { proposalId: string; approved: boolean; note: string } }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.recordPodDecision(args.input, c))(ctx),
      rejectDisbursement: (_: unknown, args: { input: { proposalId: string; reason: string } }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.reject(args.input, c))(ctx),
      payDisbursement: (_: unknown, args: { proposalId: string }, ctx: SubgraphContext) =>
        payoutMutation((c) => payouts.payThroughProcessor(args.proposalId, c))(ctx),
      recordDisbursementPayout: (_: unknown, args: { input: RecordDisbursementPayoutInput }, ctx: SubgraphContext) =>
        payoutMutation((c) => payouts.record({ ...args.input, method: fromGraphQLEnum(PAYOUT_METHODS, args.input.method) }, c))(ctx),
      confirmDisbursementPayout: (_: unknown, args: { proposalId: string }, ctx: SubgraphContext) =>
        payoutMutation((c) => payouts.confirm(args.proposalId, c))(ctx),
      recordDisbursementPayoutFailure: (_: unknown, args: { input: RecordDisbursementPayoutFailureInput }, ctx: SubgraphContext) =>
        payoutMutation((c) => payouts.recordFailure({ proposalId: args.input.proposalId, failure: fromGraphQLEnum(PAYOUT_FAILURES, args.input.failure) }, c))(
          ctx,
        ),
      reverseDisbursementPayout: (_: unknown, args: { input: ReverseDisbursementPayoutInput }, ctx: SubgraphContext) =>
        payoutMutation((c) => payouts.reverse({ proposalId: args.input.proposalId, reason: fromGraphQLEnum(PAYOUT_REVERSAL_REASONS, args.input.reason) }, c))(
          ctx,
        ),
    },
  } satisfies Resolvers;
}
