import type { Command } from '@mutuo/domain';
import type { DecisionKind, DecisionMethod } from './decision-methods';

/** What members and the deadline scheduler ask of a proposal. Facts about the pod come from the handler. */

/** What the proposal is about, when it acts on something else in the platform. */
export type ProposalSubject = { readonly type: 'none' } | { readonly type: 'disbursement'; readonly disbursementProposalId: string };

/**
 * `method`: the pod's method for this kind, read from its settings. `electorate`: the member ids who may vote,
 * read by the handler at opening (and again for each new round), so the quorum cannot shift under a running vote.
 */
export type ProposeDecision = Command<
  'ProposeDecision',
  {
    proposalId: string;
    podId: string;
    proposerMemberId: string;
    proposerIsMember: boolean;
    proposerIsCoordinator: boolean;
    kind: string;
    title: string;
    text: string;
    subject: ProposalSubject;
    deadline: string;
    method: DecisionMethod;
    electorate: readonly string[];
  }
>;
export type CastVote = Command<'CastVote', { voterMemberId: string; position: string; reason: string | null }>;
/** A new round with a changed text and a new deadline; the votes of the round before stay in its history. */
export type AmendProposal = Command<'AmendProposal', { amenderMemberId: string; text: string; deadline: string; electorate: readonly string[] }>;
export type WithdrawProposal = Command<'WithdrawProposal', { withdrawerMemberId: string; withdrawerIsCoordinator: boolean }>;
/** Issued by the scheduler: harmless when early, late or repeated. */
export type WarnDeadlineNear = Command<'WarnDeadlineNear', Record<string, never>>;
export type CloseProposal = Command<'CloseProposal', Record<string, never>>;

export type ProposalCommand = ProposeDecision | CastVote | AmendProposal | WithdrawProposal | WarnDeadlineNear | CloseProposal;

export type { DecisionKind };
