import type { ApprovalRoute, DisbursementCategory } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { checkAmountMinor, checkUnit, monthOf } from './money';
import { checkCategory, type FundsPolicy } from './pod-funds-policy.decider';

/** A request to pay money out of the pod's treasury, from proposal to payment. */
export interface Proposal {
  readonly proposalId: string;
  readonly podId: string;
  readonly requestId: string | null;
  readonly proposedByMemberId: string;
  readonly recipientMemberId: string | null;
  readonly currency: string;
  readonly amountMinor: number;
  readonly category: DisbursementCategory;
  /** The proposer's reason, kept apart as personal text (erasing the proposer deletes it); see PersonalTexts. */
  readonly reasonTextId: string;
  readonly emergency: boolean;
  readonly route: ApprovalRoute;
  readonly approvalsRequired: number;
  readonly overBudget: boolean;
  readonly month: string;
  readonly proposedAt: string;
}

type Open = { proposal: Proposal; approverMemberIds: readonly string[] };
export type DisbursementState =
  | { status: 'none' }
  | ({ status: 'proposed' } & Open)
  | ({ status: 'approved' } & Open)
  | ({ status: 'rejected'; rejectedByMemberId: string; rejectionReasonTextId: string } & Open)
  | ({ status: 'paid'; transferId: string; processorReference: string } & Open);

/** What the month's budget for the category looks like before this proposal; null when the pod set none. */
export interface BudgetSnapshot {
  readonly budgetMinor: number;
  /** Proposed (not rejected) in the category this month so far. */
  readonly committedMinor: number;
}

export type ProposeDisbursement = Command<
  'ProposeDisbursement',
  {
    proposalId: string;
    podId: string;
    requestId: string | null;
    proposedByMemberId: string;
    recipientMemberId: string | null;
    currency: string;
    amountMinor: number;
    category: string;
    reasonTextId: string;
    emergency: boolean;
    policy: FundsPolicy;
    budget: BudgetSnapshot | null;
  }
>;
export type ApproveDisbursement = Command<'ApproveDisbursement', { approverMemberId: string; approverIsTreasurer: boolean }>;
export type RecordPodDecision = Command<
  'RecordPodDecision',
  { decidedByMemberId: string; deciderIsCoordinator: boolean; approved: boolean; noteTextId: string }
>;
/** The pod passed a decision (membership's proposal `decisionId`) to pay this proposal out. */
export type ApproveByPodVote = Command<'ApproveByPodVote', { decisionId: string }>;
export type RejectDisbursement = Command<'RejectDisbursement', { rejectedByMemberId: string; rejecterIsTreasurer: boolean; reasonTextId: string }>;
export type MarkDisbursementPaid = Command<'MarkDisbursementPaid', { transferId: string; processorReference: string }>;
export type DisbursementCommand = ProposeDisbursement | ApproveDisbursement | RecordPodDecision | ApproveByPodVote | RejectDisbursement | MarkDisbursementPaid;

export type DisbursementProposed = DomainEvent<'DisbursementProposed', Proposal & { budgetMinor: number | null; committedMinor: number | null }>;
export type BudgetExceeded = DomainEvent<
  'BudgetExceeded',
  {
    podId: string;
    proposalId: string;
    category: DisbursementCategory;
    month: string;
    currency: string;
    budgetMinor: number;
    committedMinor: number;
    exceededAt: string;
  }
>;
export type DisbursementApprovalGiven = DomainEvent<
  'DisbursementApprovalGiven',
  { proposalId: string; podId: string; approverMemberId: string; approvedAt: string }
>;
export type DisbursementApproved = DomainEvent<
  'DisbursementApproved',
  { proposalId: string; podId: string; route: ApprovalRoute; approverMemberIds: string[]; approvedAt: string }
>;
export type DisbursementRejected = DomainEvent<
  'DisbursementRejected',
  { proposalId: string; podId: string; rejectedByMemberId: string; reasonTextId: string; rejectedAt: string }
>;
export type DisbursementPaid = DomainEvent<
  'DisbursementPaid',
  {
    proposalId: string;
    podId: string;
    requestId: string | null;
    recipientMemberId: string | null;
    currency: string;
    amountMinor: number;
    transferId: string;
    processorReference: string;
    paidAt: string;
  }
>;
export type DisbursementEvent =
  DisbursementProposed | BudgetExceeded | DisbursementApprovalGiven | DisbursementApproved | DisbursementRejected | DisbursementPaid;

/** The pod's approval policy, applied to an amount. */
export function approvalRoute(policy: FundsPolicy, amountMinor: number, emergency: boolean): { route: ApprovalRoute; approvalsRequired: number } {
  if (amountMinor > policy.podDecisionAboveMinor) return { route: 'pod-decision', approvalsRequired: 0 };
  if (emergency && amountMinor <= policy.autoApproveUpToMinor) return { route: 'auto-approved', approvalsRequired: 0 };
  return { route: 'treasurer-approvals', approvalsRequired: policy.treasurerApprovalsRequired };
}

function notFound(): DomainRuleViolation {
  return new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such disbursement proposal', 'proposalId');
}

export const disbursementDecider: Decider<DisbursementState, DisbursementCommand, DisbursementEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'ProposeDisbursement': {
        const input = command.data;
        if (state.status !== 'none') {
          if (state.proposal.proposedByMemberId === input.proposedByMemberId && state.proposal.amountMinor === input.amountMinor) return [];
          throw new DomainRuleViolation('PROPOSAL_ID_REUSED', 'This proposal id is already taken', 'proposalId');
        }
        const amountMinor = checkAmountMinor(input.amountMinor, 'amountMinor');
        const currency = checkUnit(input.currency, 'currency');
        if (currency !== input.policy.currency) {
          throw new DomainRuleViolation('UNIT_MISMATCH', `The pod's treasury is kept in ${input.policy.currency}, not ${currency}`, 'currency');
        }
        const category = checkCategory(input.category);
        const { route, approvalsRequired } = approvalRoute(input.policy, amountMinor, input.emergency);
        const committedMinor = input.budget ? input.budget.committedMinor + amountMinor : null;
        const overBudget = input.budget !== null && committedMinor! > input.budget.budgetMinor;
        const proposal: Proposal = {
          proposalId: input.proposalId,
          podId: input.podId,
          requestId: input.requestId,
          proposedByMemberId: input.proposedByMemberId,
          recipientMemberId: input.recipientMemberId,
          currency,
          amountMinor,
          category,
          reasonTextId: input.reasonTextId,
          emergency: input.emergency,
          route,
          approvalsRequired,
          overBudget,
          month: monthOf(now),
          proposedAt: now,
        };
        const events: DisbursementEvent[] = [
          { type: 'DisbursementProposed', data: { ...proposal, budgetMinor: input.budget?.budgetMinor ?? null, committedMinor }, metadata },
        ];
        if (overBudget) {
          events.push({
            type: 'BudgetExceeded',
            data: {
              podId: input.podId,
              proposalId: input.proposalId,
              category,
              month: proposal.month,
              currency,
              budgetMinor: input.budget!.budgetMinor,
              committedMinor: committedMinor!,
              exceededAt: now,
            },
            metadata,
          });
        }
        if (route === 'auto-approved') {
          events.push({
            type: 'DisbursementApproved',
            data: { proposalId: input.proposalId, podId: input.podId, route, approverMemberIds: [], approvedAt: now },
            metadata,
          });
        }
        return events;
      }
      case 'ApproveDisbursement': {
        if (state.status === 'none') throw notFound();
        const { approverMemberId, approverIsTreasurer } = command.data;
        if (state.approverMemberIds.includes(approverMemberId)) {
          throw new DomainRuleViolation('ALREADY_APPROVED', 'You already approved this proposal', 'proposalId');
        }
        if (state.status !== 'proposed')
          throw new DomainRuleViolation('NOT_AWAITING_APPROVAL', `The proposal is ${state.status}, not awaiting approval`, 'proposalId');
        if (state.proposal.route === 'pod-decision') {
          throw new DomainRuleViolation('POD_DECISION_REQUIRED', 'This amount needs a decision of the pod, recorded by a coordinator', 'proposalId');
        }
        if (approverMemberId === state.proposal.proposedByMemberId) {
          throw new DomainRuleViolation('OWN_PROPOSAL', 'You cannot approve your own proposal', 'proposalId');
        }
        if (!approverIsTreasurer) throw new DomainRuleViolation('NOT_A_TREASURER', 'Only treasurers of the pod approve disbursements');
        const { proposalId, podId } = state.proposal;
        const approvers = [...state.approverMemberIds, approverMemberId];
        const events: DisbursementEvent[] = [{ type: 'DisbursementApprovalGiven', data: { proposalId, podId, approverMemberId, approvedAt: now }, metadata }];
        if (approvers.length >= state.proposal.approvalsRequired) {
          events.push({
            type: 'DisbursementApproved',
            data: { proposalId, podId, route: 'treasurer-approvals', approverMemberIds: approvers, approvedAt: now },
            metadata,
          });
        }
        return events;
      }
      case 'RecordPodDecision': {
        if (state.status === 'none') throw notFound();
        if (state.status !== 'proposed')
          throw new DomainRuleViolation('NOT_AWAITING_APPROVAL', `The proposal is ${state.status}, not awaiting approval`, 'proposalId');
        if (state.proposal.route !== 'pod-decision') {
          throw new DomainRuleViolation('NO_POD_DECISION_NEEDED', 'This proposal is approved by treasurers, not by a pod decision', 'proposalId');
        }
        if (!command.data.deciderIsCoordinator) throw new DomainRuleViolation('NOT_A_COORDINATOR', "Only a coordinator records the pod's decision");
        const { proposalId, podId } = state.proposal;
        return command.data.approved
          ? [
              {
                type: 'DisbursementApproved',
                data: { proposalId, podId, route: 'pod-decision', approverMemberIds: [command.data.decidedByMemberId], approvedAt: now },
                metadata,
              },
            ]
          : [
              {
                type: 'DisbursementRejected',
                data: { proposalId, podId, rejectedByMemberId: command.data.decidedByMemberId, reasonTextId: command.data.noteTextId, rejectedAt: now },
                metadata,
              },
            ];
      }
      case 'ApproveByPodVote': {
        if (state.status === 'none') throw notFound();
        if (state.status !== 'proposed')
          throw new DomainRuleViolation('NOT_AWAITING_APPROVAL', `The proposal is ${state.status}, not awaiting approval`, 'proposalId');
        if (state.proposal.route !== 'pod-decision') {
          throw new DomainRuleViolation('NO_POD_DECISION_NEEDED', 'This proposal is approved by treasurers, not by a pod decision', 'proposalId');
        }
        const { proposalId, podId } = state.proposal;
        // The whole pod approved it: no one member's approval stands for it.
        return [{ type: 'DisbursementApproved', data: { proposalId, podId, route: 'pod-decision', approverMemberIds: [], approvedAt: now }, metadata }];
      }
      case 'RejectDisbursement': {
        if (state.status === 'none') throw notFound();
        if (state.status !== 'proposed' && state.status !== 'approved') {
          throw new DomainRuleViolation('CANNOT_REJECT', `The proposal is already ${state.status}`, 'proposalId');
        }
        if (!command.data.rejecterIsTreasurer) throw new DomainRuleViolation('NOT_A_TREASURER', 'Only treasurers of the pod reject disbursements');
        const { proposalId, podId } = state.proposal;
        return [
          {
            type: 'DisbursementRejected',
            data: { proposalId, podId, rejectedByMemberId: command.data.rejectedByMemberId, reasonTextId: command.data.reasonTextId, rejectedAt: now },
            metadata,
          },
        ];
      }
      case 'MarkDisbursementPaid': {
        if (state.status === 'none') throw notFound();
        if (state.status === 'paid') {
          if (state.transferId === command.data.transferId) return [];
          throw new DomainRuleViolation('ALREADY_PAID', 'This proposal was already paid', 'proposalId');
        }
        if (state.status !== 'approved')
          throw new DomainRuleViolation('NOT_APPROVED', `Only an approved proposal is paid; this one is ${state.status}`, 'proposalId');
        const { proposal } = state;
        return [
          {
            type: 'DisbursementPaid',
            data: {
              proposalId: proposal.proposalId,
              podId: proposal.podId,
              requestId: proposal.requestId,
              recipientMemberId: proposal.recipientMemberId,
              currency: proposal.currency,
              amountMinor: proposal.amountMinor,
              transferId: command.data.transferId,
              processorReference: command.data.processorReference,
              paidAt: now,
            },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'disbursement command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'DisbursementProposed': {
        const { budgetMinor: _budget, committedMinor: _committed, ...proposal } = event.data;
        return { status: 'proposed', proposal, approverMemberIds: [] };
      }
      case 'BudgetExceeded':
        return state;
      case 'DisbursementApprovalGiven':
        return state.status === 'none' ? state : { ...state, approverMemberIds: [...state.approverMemberIds, event.data.approverMemberId] };
      case 'DisbursementApproved':
        return state.status === 'none' ? state : { status: 'approved', proposal: state.proposal, approverMemberIds: event.data.approverMemberIds };
      case 'DisbursementRejected':
        return state.status === 'none'
          ? state
          : {
              status: 'rejected',
              proposal: state.proposal,
              approverMemberIds: state.approverMemberIds,
              rejectedByMemberId: event.data.rejectedByMemberId,
              rejectionReasonTextId: event.data.reasonTextId,
            };
      case 'DisbursementPaid':
        return state.status === 'none'
          ? state
          : {
              status: 'paid',
              proposal: state.proposal,
              approverMemberIds: state.approverMemberIds,
              transferId: event.data.transferId,
              processorReference: event.data.processorReference,
            };
      default:
        return assertNever(event, 'disbursement event');
    }
  },
};
