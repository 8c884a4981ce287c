import { assertNever } from '@mutuo/domain';
import type { DecisionKind, DecisionMethod } from './decision-methods';
import type { ProposalSubject } from './proposal.commands';
import type { ProposalEvent, ProposalOutcome } from './proposal.events';
import type { Tally, VotePosition } from './proposal.tally';

/** A proposal as rebuilt from its stream, with every round it went through. */

/** One round: its text, deadline and electorate, the votes as they stood when it ended, and how it ended. */
export interface ProposalRound {
  readonly round: number;
  /** When the round opened: one opened less than a day before its deadline needs no reminder. */
  readonly openedAt: string;
  readonly text: string;
  readonly deadline: string;
  readonly electorate: readonly string[];
  readonly votes: Readonly<Record<string, VotePosition>>;
  readonly tally: Tally | null;
  readonly result: ProposalOutcome | 'objected' | 'withdrawn' | null;
}

export interface ProposalRecord {
  readonly proposalId: string;
  readonly podId: string;
  readonly proposerMemberId: string;
  readonly kind: DecisionKind;
  readonly title: string;
  readonly subject: ProposalSubject;
  readonly method: DecisionMethod;
  /** The current round is the last; earlier ones are history. */
  readonly rounds: readonly ProposalRound[];
  /** Whether the members were told this round's deadline is near. */
  readonly deadlineNearSent: boolean;
}

export type ProposalState =
  | { readonly status: 'none' }
  | (ProposalRecord & { readonly status: 'open' })
  /** Consent: the round ended with objections and waits for an amendment (or a withdrawal). */
  | (ProposalRecord & { readonly status: 'objected' })
  | (ProposalRecord & { readonly status: 'decided'; readonly outcome: ProposalOutcome })
  | (ProposalRecord & { readonly status: 'withdrawn' });

export type ExistingProposal = Exclude<ProposalState, { status: 'none' }>;

export const initialProposalState = (): ProposalState => ({ status: 'none' });

export function currentRound(proposal: ProposalRecord): ProposalRound {
  return proposal.rounds[proposal.rounds.length - 1]!;
}

function withCurrentRound(proposal: ExistingProposal, change: Partial<ProposalRound>): ProposalRecord {
  const rounds = proposal.rounds.slice(0, -1).concat({ ...currentRound(proposal), ...change });
  return { ...recordOf(proposal), rounds };
}

function recordOf(proposal: ExistingProposal): ProposalRecord {
  const { proposalId, podId, proposerMemberId, kind, title, subject, method, rounds, deadlineNearSent } = proposal;
  return { proposalId, podId, proposerMemberId, kind, title, subject, method, rounds, deadlineNearSent };
}

function existing(state: ProposalState, event: ProposalEvent): ExistingProposal {
  if (state.status === 'none') throw new Error(`${event.type} before ProposalOpened`);
  return state;
}

export function evolveProposal(state: ProposalState, event: ProposalEvent): ProposalState {
  switch (event.type) {
    case 'ProposalOpened': {
      const { proposalId, podId, proposerMemberId, kind, title, text, subject, method, round, deadline, electorate, openedAt } = event.data;
      return {
        status: 'open',
        proposalId,
        podId,
        proposerMemberId,
        kind,
        title,
        subject,
        method,
        rounds: [{ round, openedAt, text, deadline, electorate, votes: {}, tally: null, result: null }],
        deadlineNearSent: false,
      };
    }
    case 'VoteCast': {
      const proposal = existing(state, event);
      const votes = { ...currentRound(proposal).votes, [event.data.voterMemberId]: event.data.position };
      return { ...withCurrentRound(proposal, { votes }), status: 'open' };
    }
    case 'ProposalAmended': {
      const proposal = existing(state, event);
      const { round, text, deadline, electorate, amendedAt } = event.data;
      const rounds = recordOf(proposal).rounds.concat({ round, openedAt: amendedAt, text, deadline, electorate, votes: {}, tally: null, result: null });
      return { ...recordOf(proposal), rounds, deadlineNearSent: false, status: 'open' };
    }
    case 'ProposalDeadlineNear':
      return { ...existing(state, event), deadlineNearSent: true };
    case 'ProposalObjected': {
      const proposal = existing(state, event);
      return { ...withCurrentRound(proposal, { tally: event.data.tally, result: 'objected' }), status: 'objected' };
    }
    case 'ProposalDecided': {
      const proposal = existing(state, event);
      return { ...withCurrentRound(proposal, { tally: event.data.tally, result: event.data.outcome }), status: 'decided', outcome: event.data.outcome };
    }
    case 'ProposalWithdrawn': {
      const proposal = existing(state, event);
      const round = currentRound(proposal);
      // An objected round keeps its result; the withdrawal ends the proposal, not that round's history.
      const change = round.result === null ? { result: 'withdrawn' as const } : {};
      return { ...withCurrentRound(proposal, change), status: 'withdrawn' };
    }
    default:
      return assertNever(event, 'proposal event');
  }
}
