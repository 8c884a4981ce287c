import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@mutuo/platform';
import type { ProposalState } from '../../domain/proposal.decider';
import { ProposalCommands, requireMember } from '../proposal-commands';

export interface AmendProposalInput {
  readonly proposalId: string;
  readonly text: string;
  readonly deadline: string;
}

/** The proposer changes the text: a new round with a new deadline, and the electorate as the pod is now. */
@Injectable()
export class AmendProposalHandler {
  constructor(private readonly proposals: ProposalCommands) {}

  async amend(input: AmendProposalInput, ctx: RequestContext): Promise<ProposalState> {
    const em = this.proposals.em.fork();
    const caller = await this.proposals.caller(em, ctx);
    requireMember(caller);
    const { state: current } = await this.proposals.handler.load(em, this.proposals.streamOf(caller, input.proposalId));
    const electorate = current.status === 'none' ? [] : await this.proposals.electorate(em, caller.podId, current.method, this.proposals.facts.now());
    return this.proposals.decide(em, caller, input.proposalId, {
      type: 'AmendProposal',
      data: { amenderMemberId: caller.memberId, text: input.text, deadline: input.deadline, electorate },
      metadata: caller.metadata,
    });
  }
}
