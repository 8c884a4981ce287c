import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@mutuo/platform';
import type { ProposalState } from '../../domain/proposal.decider';
import { ProposalCommands, requireMember } from '../proposal-commands';

export interface VoteOnProposalInput {
  readonly proposalId: string;
  readonly position: string;
  readonly reason?: string | null;
}

/** A member of the round's electorate votes, or changes their vote, until the deadline. */
@Injectable()
export class VoteOnProposalHandler {
  constructor(private readonly proposals: ProposalCommands) {}

  async vote(input: VoteOnProposalInput, ctx: RequestContext): Promise<ProposalState> {
    const em = this.proposals.em.fork();
    const caller = await this.proposals.caller(em, ctx);
    requireMember(caller);
    return this.proposals.decide(em, caller, input.proposalId, {
      type: 'CastVote',
      data: { voterMemberId: caller.memberId, position: input.position, reason: input.reason ?? null },
      metadata: caller.metadata,
    });
  }
}
