import type { INestApplication } from '@nestjs/common';
import { memberIdFor } from '@mutuo/contracts';
import { isUuid } from '@mutuo/domain';
import { perRequest, requirePod, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import {
  DECISION_KINDS,
  DECISION_METHODS,
  type DecisionKind,
  type DecisionMethod,
  type DecisionMethodName,
  type DecisionMethods,
} from '../domain/decision-methods';
import { VOTE_POSITIONS, currentRound, type ProposalState, type Tally } from '../domain/proposal.decider';
import { AmendProposalHandler, type AmendProposalInput } from './amend-proposal/amend-proposal.handler';
import { ChooseDecisionMethodsHandler } from './choose-decision-methods/choose-decision-methods.handler';
import { ProposeDecisionHandler, type ProposeDecisionInput } from './propose-decision/propose-decision.handler';
import { ProposalCommands } from './proposal-commands';
import { ProposalQueries, type ProposalView } from './proposals.queries';
import { VoteOnProposalHandler, type VoteOnProposalInput } from './vote-on-proposal/vote-on-proposal.handler';
import { WithdrawProposalHandler } from './withdraw-proposal/withdraw-proposal.handler';

const MAX_PROPOSALS = 100;

interface DecisionMethodArg {
  kind: string;
  method: string;
  quorumPercent?: number | null;
  votingRole?: string | null;
}

/** Decisions: proposals, votes, amendments, withdrawals, and how the pod decides each kind. */
export function decisionsResolvers(app: INestApplication) {
  const propose = app.get(ProposeDecisionHandler);
  const vote = app.get(VoteOnProposalHandler);
  const amend = app.get(AmendProposalHandler);
  const withdraw = app.get(WithdrawProposalHandler);
  const methods = app.get(ChooseDecisionMethodsHandler);
  const proposals = app.get(ProposalQueries);
  const commands = app.get(ProposalCommands);
  /** Once per request: whether the caller belongs to the pod of their token. */
  const members = perRequest((ctx: SubgraphContext) => commands.callerIsMember(ctx));

  const existing = (state: ProposalState): ProposalView => {
    if (state.status === 'none') throw new Error('A proposal command left no proposal');
    return state;
  };

  return {
    Query: {
      proposal: async (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => {
        if (!ctx.identity?.podId || !isUuid(id) || !(await members(ctx))) return null;
        return proposals.byId(ctx.identity.podId, id.toLowerCase());
      },
    },
    Mutation: {
      proposeDecision: async (_: unknown, { input }: { input: ProposeDecisionInput }, ctx: SubgraphContext) =>
        existing(await propose.propose({ ...input, kind: fromGraphQLEnum(DECISION_KINDS, input.kind) }, ctx)),
      voteOnProposal: async (_: unknown, { input }: { input: VoteOnProposalInput }, ctx: SubgraphContext) => existing(await vote.vote(input, ctx)),
      amendProposal: async (_: unknown, { input }: { input: AmendProposalInput }, ctx: SubgraphContext) => existing(await amend.amend(input, ctx)),
      withdrawProposal: async (_: unknown, { proposalId }: { proposalId: string }, ctx: SubgraphContext) => existing(await withdraw.withdraw(proposalId, ctx)),
      changeDecisionMethods: async (_: unknown, { input }: { input: DecisionMethodArg[] }, ctx: SubgraphContext) => {
        const changes = input.map((change) => ({
          kind: fromGraphQLEnum(DECISION_KINDS, change.kind),
          method: fromGraphQLEnum(DECISION_METHODS, change.method),
          quorumPercent: change.quorumPercent ?? null,
          role: change.votingRole ?? null,
        }));
        return methodList((await methods.choose(changes, ctx)).decisionMethods);
      },
    },
    Pod: {
      proposals: async (pod: { id: string }, args: { first?: number | null }, ctx: SubgraphContext) => {
        // Outsiders see nothing, not even how many proposals the pod has.
        if (ctx.identity?.podId !== pod.id || !(await members(ctx))) return [];
        return proposals.ofPod(pod.id, Math.min(Math.max(args.first ?? 20, 1), MAX_PROPOSALS));
      },
      decisionMethods: async (pod: { id: string }) => methodList(await methods.methodsOf(pod.id)),
    },
    Proposal: {
      id: (proposal: ProposalView) => proposal.proposalId,
      kind: (proposal: ProposalView) => toGraphQLEnum(proposal.kind),
      text: (proposal: ProposalView) => currentRound(proposal).text,
      method: (proposal: ProposalView) => methodView(proposal.kind, proposal.method),
      status: (proposal: ProposalView) => toGraphQLEnum(proposal.status),
      outcome: (proposal: ProposalView) => (proposal.status === 'decided' ? toGraphQLEnum(proposal.outcome) : null),
      round: (proposal: ProposalView) => currentRound(proposal).round,
      deadline: (proposal: ProposalView) => currentRound(proposal).deadline,
      disbursementProposalId: (proposal: ProposalView) => (proposal.subject.type === 'disbursement' ? proposal.subject.disbursementProposalId : null),
      myVote: (proposal: ProposalView, _: unknown, ctx: SubgraphContext) => currentRound(proposal).votes[callerMemberId(proposal, ctx)] ?? null,
      mayVote: (proposal: ProposalView, _: unknown, ctx: SubgraphContext) =>
        proposal.status === 'open' && currentRound(proposal).electorate.includes(callerMemberId(proposal, ctx)),
      tally: (proposal: ProposalView) => tallyView(proposal.method.method, currentRound(proposal).tally),
      rounds: (proposal: ProposalView) =>
        proposal.rounds.map((round) => ({
          round: round.round,
          text: round.text,
          deadline: round.deadline,
          result: round.result,
          tally: tallyView(proposal.method.method, round.tally),
        })),
    },
  };
}

function callerMemberId(proposal: ProposalView, ctx: SubgraphContext): string {
  const { identity } = requirePod(ctx);
  return memberIdFor(proposal.podId, identity.subject);
}

function methodView(kind: DecisionKind, method: DecisionMethod) {
  return {
    kind: toGraphQLEnum(kind),
    method: toGraphQLEnum(method.method),
    quorumPercent: method.quorumPercent,
    votingRole: method.electorate === 'members' ? null : method.electorate.role,
  };
}

function methodList(methods: DecisionMethods) {
  return DECISION_KINDS.map((kind) => methodView(kind, methods[kind]));
}

/** Counts in the method's own order (the read model's JSON does not keep key order). */
function tallyView(method: DecisionMethodName, tally: Tally | null) {
  if (!tally) return null;
  const { electorateSize, votesCast, positions } = tally;
  return { electorateSize, votesCast, counts: VOTE_POSITIONS[method].map((position) => ({ position, count: positions[position] ?? 0 })) };
}
