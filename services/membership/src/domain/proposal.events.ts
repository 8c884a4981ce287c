import type { DomainEvent } from '@mutuo/domain';
import type { DecisionKind, DecisionMethod } from './decision-methods';
import type { ProposalSubject } from './proposal.commands';
import type { Tally, VotePosition } from './proposal.tally';

/** What happened to a proposal, as recorded on its stream. */

export type ProposalOutcome = 'passed' | 'rejected' | 'blocked' | 'no-quorum';

/** Repeated on every later event, so what is published from one event tells its readers what the proposal is. */
export interface ProposalSummary {
  readonly kind: DecisionKind;
  readonly title: string;
  readonly method: DecisionMethod;
  readonly subject: ProposalSubject;
}

export type ProposalOpened = DomainEvent<
  'ProposalOpened',
  {
    proposalId: string;
    podId: string;
    proposerMemberId: string;
    kind: DecisionKind;
    title: string;
    text: string;
    subject: ProposalSubject;
    method: DecisionMethod;
    round: number;
    deadline: string;
    electorate: readonly string[];
    openedAt: string;
  }
>;
/** A member's current position in the round; a later vote of the same member replaces it. */
export type VoteCast = DomainEvent<
  'VoteCast',
  { proposalId: string; podId: string; round: number; voterMemberId: string; position: VotePosition; reason: string | null; castAt: string }
>;
export type ProposalAmended = DomainEvent<
  'ProposalAmended',
  ProposalSummary & {
    proposalId: string;
    podId: string;
    round: number;
    text: string;
    deadline: string;
    electorate: readonly string[];
    amendedByMemberId: string;
    amendedAt: string;
  }
>;
export type ProposalDeadlineNear = DomainEvent<
  'ProposalDeadlineNear',
  ProposalSummary & { proposalId: string; podId: string; round: number; deadline: string; electorate: readonly string[] }
>;
/** Consent only: the round ended with objections; the proposer may amend it (a new round) or withdraw it. */
export type ProposalObjected = DomainEvent<'ProposalObjected', { proposalId: string; podId: string; round: number; tally: Tally; closedAt: string }>;
export type ProposalDecided = DomainEvent<
  'ProposalDecided',
  ProposalSummary & {
    proposalId: string;
    podId: string;
    round: number;
    deadline: string;
    electorate: readonly string[];
    outcome: ProposalOutcome;
    tally: Tally;
    decidedAt: string;
  }
>;
export type ProposalWithdrawn = DomainEvent<
  'ProposalWithdrawn',
  { proposalId: string; podId: string; round: number; withdrawnByMemberId: string; withdrawnAt: string }
>;

export type ProposalEvent = ProposalOpened | VoteCast | ProposalAmended | ProposalDeadlineNear | ProposalObjected | ProposalDecided | ProposalWithdrawn;
