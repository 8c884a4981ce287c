import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@mutuo/platform';
import type { ProposalState } from '../../domain/proposal.decider';
import { ProposalCommands, requireMember } from '../proposal-commands';

/** The proposer, or a coordinator, takes a proposal back before it is decided. */
@Injectable()
export class WithdrawProposalHandler {
  constructor(private readonly proposals: ProposalCommands) {}

  async withdraw(proposalId: string, ctx: RequestContext): Promise<ProposalState> {
    const em = this.proposals.em.fork();
    const caller = await this.proposals.caller(em, ctx);
    requireMember(caller);
    return this.proposals.decide(em, caller, proposalId, {
      type: 'WithdrawProposal',
      data: { withdrawerMemberId: caller.memberId, withdrawerIsCoordinator: caller.isCoordinator },
      metadata: caller.metadata,
    });
  }
}
