import { Module } from '@nestjs/common';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { PodFacts } from '../shared/pod-facts';
import { AmendProposalHandler } from './amend-proposal/amend-proposal.handler';
import { ChooseDecisionMethodsHandler } from './choose-decision-methods/choose-decision-methods.handler';
import { PROPOSAL_DEADLINE_OPTIONS, proposalDeadlineOptionsFrom } from './close-proposals-at-deadline/proposal-deadline.options';
import { ProposalDeadlineScheduler } from './close-proposals-at-deadline/proposal-deadline.scheduler';
import { ProposalCommands } from './proposal-commands';
import { ProposalQueries } from './proposals.queries';
import { ProposeDecisionHandler } from './propose-decision/propose-decision.handler';
import { VoteOnProposalHandler } from './vote-on-proposal/vote-on-proposal.handler';
import { WithdrawProposalHandler } from './withdraw-proposal/withdraw-proposal.handler';

const providers = [
  PodFacts,
  ProposalQueries,
  ProposalCommands,
  ProposeDecisionHandler,
  VoteOnProposalHandler,
  AmendProposalHandler,
  WithdrawProposalHandler,
  ChooseDecisionMethodsHandler,
  ProposalDeadlineScheduler,
];

/** How a pod decides together: proposals, votes, rounds, and counting them at the deadline. */
@Module({
  providers: [optionsFromEnvironment(PROPOSAL_DEADLINE_OPTIONS, proposalDeadlineOptionsFrom), ...providers],
  exports: providers,
})
export class DecisionsModule {}
