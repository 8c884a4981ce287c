import { Decider, DomainRuleViolation, assertNever, eventMetadataFrom, optionalPlainText, plainText } from '@mutuo/domain';
import { DECISION_KINDS, type DecisionKind } from './decision-methods';
import { AGREEMENTS_TEXT_MAX } from './pod-agreements.decider';
import type { ProposalCommand, ProposalSubject } from './proposal.commands';
import type { ProposalEvent, ProposalSummary } from './proposal.events';
import { currentRound, evolveProposal, initialProposalState, type ExistingProposal, type ProposalRound, type ProposalState } from './proposal.state';
import { checkPosition, resultOf, tallyOf } from './proposal.tally';

/**
 * A question a pod decides together: opened by a member with a text and a deadline, voted on by its electorate
 * under the method the pod chose for its kind, amended in new rounds that keep the old ones, and closed at the
 * deadline with its tally. Time always comes from the command.
 */

// The decider is the way in to a proposal: its commands, events, state and tally come with it.
export * from './proposal.commands';
export * from './proposal.events';
export * from './proposal.state';
export * from './proposal.tally';

export const PROPOSAL_LIMITS = { titleMin: 3, titleMax: 200, textMax: AGREEMENTS_TEXT_MAX, reasonMax: 1_000, deadlineMaxDays: 90 } as const;
/** Members are reminded this long before a round's deadline. */
export const DEADLINE_NEAR_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function existing(state: ProposalState): ExistingProposal {
  if (state.status === 'none') throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such proposal', 'proposalId');
  return state;
}

function checkKind(kind: string): DecisionKind {
  const match = DECISION_KINDS.find((candidate) => candidate === kind);
  if (!match) throw new DomainRuleViolation('INVALID_PROPOSAL', `kind must be one of: ${DECISION_KINDS.join(', ')}`, 'kind');
  return match;
}

/** A disbursement decision names the funds proposal it decides; other kinds act on nothing outside the pod. */
function checkSubject(kind: DecisionKind, subject: ProposalSubject): ProposalSubject {
  if (kind === 'funds-disbursement' && subject.type !== 'disbursement') {
    throw new DomainRuleViolation('INVALID_PROPOSAL', 'A funds-disbursement decision names the disbursement proposal it decides', 'disbursementProposalId');
  }
  if (kind !== 'funds-disbursement' && subject.type !== 'none') {
    throw new DomainRuleViolation('INVALID_PROPOSAL', 'Only a funds-disbursement decision names a disbursement proposal', 'disbursementProposalId');
  }
  return subject;
}

function checkDeadline(deadline: string, now: string): string {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) throw new DomainRuleViolation('INVALID_DEADLINE', 'deadline is an ISO-8601 date and time', 'deadline');
  if (at <= Date.parse(now)) throw new DomainRuleViolation('INVALID_DEADLINE', 'The deadline must be in the future', 'deadline');
  if (at - Date.parse(now) > PROPOSAL_LIMITS.deadlineMaxDays * DAY_MS) {
    throw new DomainRuleViolation('INVALID_DEADLINE', `The deadline is at most ${PROPOSAL_LIMITS.deadlineMaxDays} days away`, 'deadline');
  }
  return new Date(at).toISOString();
}

function checkElectorate(electorate: readonly string[]): readonly string[] {
  if (electorate.length === 0) throw new DomainRuleViolation('NO_ELECTORATE', 'Nobody in the pod may vote on this kind of decision yet', 'kind');
  return [...new Set(electorate)].sort();
}

const checkText = (text: string) => plainText(text, { field: 'text', max: PROPOSAL_LIMITS.textMax, multiline: true, code: 'INVALID_PROPOSAL' });

/** Voting, amending and withdrawing need a proposal still in play. */
function undecided(state: ProposalState, doing: string): ExistingProposal & { status: 'open' | 'objected' } {
  const proposal = existing(state);
  if (proposal.status !== 'open' && proposal.status !== 'objected') {
    throw new DomainRuleViolation('PROPOSAL_CLOSED', `A ${proposal.status} proposal cannot be ${doing}`, 'proposalId');
  }
  return proposal;
}

function summaryOf(proposal: ExistingProposal): ProposalSummary {
  const { kind, title, method, subject } = proposal;
  return { kind, title, method, subject };
}

export const proposalDecider: Decider<ProposalState, ProposalCommand, ProposalEvent> = {
  initialState: initialProposalState,

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'ProposeDecision': {
        if (state.status !== 'none') throw new DomainRuleViolation('PROPOSAL_EXISTS', 'This proposal was already made', 'proposalId');
        const { proposalId, podId, proposerMemberId, proposerIsMember, proposerIsCoordinator, method } = command.data;
        if (!proposerIsMember) throw new DomainRuleViolation('NOT_A_MEMBER', 'Only an active member of the pod can make a proposal');
        const kind = checkKind(command.data.kind);
        // Moving or exporting the pod's data is started by those who answer for it; the pod still decides.
        if (kind === 'data-move' && !proposerIsCoordinator) {
          throw new DomainRuleViolation('NOT_A_COORDINATOR', "Only a coordinator can propose moving or exporting the pod's data", 'kind');
        }
        const subject = checkSubject(kind, command.data.subject);
        const title = plainText(command.data.title, { field: 'title', min: PROPOSAL_LIMITS.titleMin, max: PROPOSAL_LIMITS.titleMax, code: 'INVALID_PROPOSAL' });
        const text = checkText(command.data.text);
        const deadline = checkDeadline(command.data.deadline, now);
        const electorate = checkElectorate(command.data.electorate);
        return [
          {
            type: 'ProposalOpened',
            data: { proposalId, podId, proposerMemberId, kind, title, text, subject, method, round: 1, deadline, electorate, openedAt: now },
            metadata,
          },
        ];
      }
      case 'CastVote': {
        const proposal = undecided(state, 'voted on');
        const round = currentRound(proposal);
        if (proposal.status === 'objected' || now >= round.deadline) {
          throw new DomainRuleViolation('VOTING_CLOSED', 'Voting on this round has ended', 'proposalId');
        }
        const { voterMemberId } = command.data;
        if (!round.electorate.includes(voterMemberId)) {
          throw new DomainRuleViolation('NOT_IN_ELECTORATE', 'You are not among those who vote on this proposal');
        }
        const position = checkPosition(proposal.method.method, command.data.position);
        const reason = optionalPlainText(command.data.reason, {
          field: 'reason',
          min: 0,
          max: PROPOSAL_LIMITS.reasonMax,
          multiline: true,
          code: 'INVALID_VOTE',
        });
        // The same answer again changes nothing.
        if (round.votes[voterMemberId] === position && reason === null) return [];
        const { proposalId, podId } = proposal;
        return [{ type: 'VoteCast', data: { proposalId, podId, round: round.round, voterMemberId, position, reason, castAt: now }, metadata }];
      }
      case 'AmendProposal': {
        const proposal = undecided(state, 'amended');
        const round = currentRound(proposal);
        if (command.data.amenderMemberId !== proposal.proposerMemberId) {
          throw new DomainRuleViolation('NOT_THE_PROPOSER', 'Only the member who made the proposal can amend it');
        }
        // A round whose deadline passed is counted first, so its votes are not lost to an amendment.
        if (proposal.status === 'open' && now >= round.deadline) {
          throw new DomainRuleViolation('ROUND_ENDED', 'This round has ended and is being counted; amend it once it is', 'proposalId');
        }
        const text = checkText(command.data.text);
        if (text === round.text) throw new DomainRuleViolation('NOTHING_AMENDED', 'An amendment changes the text', 'text');
        const deadline = checkDeadline(command.data.deadline, now);
        const electorate = checkElectorate(command.data.electorate);
        const { proposalId, podId } = proposal;
        return [
          {
            type: 'ProposalAmended',
            data: {
              ...summaryOf(proposal),
              proposalId,
              podId,
              round: round.round + 1,
              text,
              deadline,
              electorate,
              amendedByMemberId: command.data.amenderMemberId,
              amendedAt: now,
            },
            metadata,
          },
        ];
      }
      case 'WithdrawProposal': {
        const proposal = undecided(state, 'withdrawn');
        const { withdrawerMemberId, withdrawerIsCoordinator } = command.data;
        if (withdrawerMemberId !== proposal.proposerMemberId && !withdrawerIsCoordinator) {
          throw new DomainRuleViolation('NOT_THE_PROPOSER', 'Only the member who made the proposal, or a coordinator, can withdraw it');
        }
        const { proposalId, podId } = proposal;
        return [
          {
            type: 'ProposalWithdrawn',
            data: { proposalId, podId, round: currentRound(proposal).round, withdrawnByMemberId: withdrawerMemberId, withdrawnAt: now },
            metadata,
          },
        ];
      }
      case 'WarnDeadlineNear': {
        if (state.status !== 'open' || state.deadlineNearSent) return [];
        const round = currentRound(state);
        const deadline = Date.parse(round.deadline);
        if (!needsReminder(round) || Date.parse(now) < deadline - DEADLINE_NEAR_MS || Date.parse(now) >= deadline) return [];
        const { proposalId, podId } = state;
        const { deadline: roundDeadline, electorate } = round;
        return [
          {
            type: 'ProposalDeadlineNear',
            data: { ...summaryOf(state), proposalId, podId, round: round.round, deadline: roundDeadline, electorate },
            metadata,
          },
        ];
      }
      case 'CloseProposal': {
        if (state.status !== 'open') return [];
        const round = currentRound(state);
        if (now < round.deadline) return [];
        const tally = tallyOf(state.method.method, round.electorate.length, Object.values(round.votes));
        const result = resultOf(state.method, tally);
        const { proposalId, podId } = state;
        if (result === 'objected') {
          return [{ type: 'ProposalObjected', data: { proposalId, podId, round: round.round, tally, closedAt: now }, metadata }];
        }
        return [
          {
            type: 'ProposalDecided',
            data: {
              ...summaryOf(state),
              proposalId,
              podId,
              round: round.round,
              deadline: round.deadline,
              electorate: round.electorate,
              outcome: result,
              tally,
              decidedAt: now,
            },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'proposal command');
    }
  },

  evolve: evolveProposal,
};

/** A round opened less than a day before its deadline was just announced: a reminder would only repeat it. */
function needsReminder(round: ProposalRound): boolean {
  return Date.parse(round.openedAt) < Date.parse(round.deadline) - DEADLINE_NEAR_MS;
}

/** When the scheduler next has something to do for this proposal: its deadline-near reminder, then its deadline. */
export function nextWakeOf(state: ProposalState): string | null {
  if (state.status !== 'open') return null;
  const { deadline } = currentRound(state);
  if (state.deadlineNearSent || !needsReminder(currentRound(state))) return deadline;
  return new Date(Date.parse(deadline) - DEADLINE_NEAR_MS).toISOString();
}
