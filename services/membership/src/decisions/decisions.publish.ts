import { ProposalDeadlineNearV1, ProposalDecidedV1, ProposalOpenedV1 } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { ProposalAmended, ProposalDeadlineNear, ProposalDecided, ProposalOpened, ProposalSummary } from '../domain/proposal.decider';

type Published = ProposalOpened | ProposalAmended | ProposalDeadlineNear | ProposalDecided;

const summaryOf = ({ kind, title, method }: ProposalSummary) => ({ kind, title, method: method.method });

/**
 * What other services hear of the pod's decisions: a round opening (an amendment opens a new one), its deadline
 * near, and the result. Votes stay in membership: a member's vote is the pod's business, not the platform's.
 */
export const publishDecisionEvent = definePublication<Published>({
  ProposalOpened: (event) => {
    const { proposalId, podId, round, deadline, electorate, openedAt } = event.data;
    return {
      contract: ProposalOpenedV1,
      data: { ...summaryOf(event.data), proposalId, podId, round, deadline, electorateMemberIds: [...electorate], openedAt },
    };
  },
  ProposalAmended: (event) => {
    const { proposalId, podId, round, deadline, electorate, amendedAt } = event.data;
    return {
      contract: ProposalOpenedV1,
      data: { ...summaryOf(event.data), proposalId, podId, round, deadline, electorateMemberIds: [...electorate], openedAt: amendedAt },
    };
  },
  ProposalDeadlineNear: (event) => {
    const { proposalId, podId, round, deadline, electorate } = event.data;
    return { contract: ProposalDeadlineNearV1, data: { ...summaryOf(event.data), proposalId, podId, round, deadline, electorateMemberIds: [...electorate] } };
  },
  ProposalDecided: (event) => {
    const { proposalId, podId, round, deadline, electorate, subject, outcome, tally, decidedAt } = event.data;
    return {
      contract: ProposalDecidedV1,
      data: {
        ...summaryOf(event.data),
        proposalId,
        podId,
        round,
        deadline,
        subject,
        outcome,
        tally: { electorateSize: tally.electorateSize, votesCast: tally.votesCast, positions: { ...tally.positions } },
        electorateMemberIds: [...electorate],
        decidedAt,
      },
    };
  },
});
