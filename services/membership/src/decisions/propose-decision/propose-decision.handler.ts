import { Injectable } from '@nestjs/common';
import { isUuid } from '@mutuo/domain';
import { badUserInput, type RequestContext } from '@mutuo/platform';
import { DECISION_KINDS, DEFAULT_DECISION_METHODS } from '../../domain/decision-methods';
import type { ProposalState, ProposalSubject } from '../../domain/proposal.decider';
import { proposalStream } from '../../shared/pod-streams';
import { ProposalCommands } from '../proposal-commands';

export interface ProposeDecisionInput {
  readonly kind: string;
  readonly title: string;
  readonly text: string;
  readonly deadline: string;
  readonly disbursementProposalId?: string | null;
  readonly idempotencyKey?: string | null;
}

/** A member opens a proposal; the pod's settings say how its kind is decided and who votes. */
@Injectable()
export class ProposeDecisionHandler {
  constructor(private readonly proposals: ProposalCommands) {}

  async propose(input: ProposeDecisionInput, ctx: RequestContext): Promise<ProposalState> {
    const em = this.proposals.em.fork();
    const caller = await this.proposals.caller(em, ctx);
    const { podId } = caller;
    const subject = subjectOf(input.disbursementProposalId);
    const methods = await this.proposals.facts.decisionMethods(em, podId);
    // An unknown kind is refused by the decider, naming the field; until then it is weighed as a general question.
    const kind = DECISION_KINDS.find((candidate) => candidate === input.kind) ?? 'general';
    const method = methods[kind] ?? DEFAULT_DECISION_METHODS[kind];
    const electorate = caller.isMember ? await this.proposals.electorate(em, podId, method, this.proposals.facts.now()) : [];
    const { idempotencyKey, ...asked } = input;
    const { state } = await this.proposals.handler.create(
      em,
      { key: idempotencyKey, podId, actorId: caller.metadata.actorId, operation: 'membership.proposeDecision', input: asked },
      (id) => proposalStream(podId, id),
      (proposalId) => ({
        type: 'ProposeDecision',
        data: {
          proposalId,
          podId,
          proposerMemberId: caller.memberId,
          proposerIsMember: caller.isMember,
          proposerIsCoordinator: caller.isCoordinator,
          kind: input.kind,
          title: input.title,
          text: input.text,
          subject,
          deadline: input.deadline,
          method,
          electorate,
        },
        metadata: caller.metadata,
      }),
    );
    return this.proposals.changed(state);
  }
}

function subjectOf(disbursementProposalId: string | null | undefined): ProposalSubject {
  if (disbursementProposalId == null) return { type: 'none' };
  if (!isUuid(disbursementProposalId)) throw badUserInput('disbursementProposalId', 'disbursementProposalId must be an id the funds API returned');
  return { type: 'disbursement', disbursementProposalId: disbursementProposalId.toLowerCase() };
}
