import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import { DEFAULT_DECISION_METHODS, type DecisionMethod } from './decision-methods';
import {
  nextWakeOf,
  proposalDecider,
  type ProposalCommand,
  type ProposalEvent,
  type ProposalOpened,
  type ProposeDecision,
  type Tally,
} from './proposal.decider';

const podId = 'p0000000-0000-4000-8000-000000000001';
const proposalId = 'd0000000-0000-4000-8000-000000000001';
const disbursementProposalId = 'f0000000-0000-4000-8000-000000000001';
const opening = '2026-12-01T10:00:00.000Z';
const deadline = '2026-12-04T10:00:00.000Z';
const beforeDeadline = '2026-12-02T10:00:00.000Z';
const dayBefore = '2026-12-03T10:00:00.000Z';
const afterDeadline = '2026-12-04T10:00:01.000Z';
const electorate = ['ana', 'bo', 'cy', 'dee'];

const meta = (now: string, actorId = 'ana'): CommandMetadata => ({ now, actorId, podId });
const eventMeta = (now: string, actorId = 'ana') => ({ occurredAt: now, actorId, podId });

const propose = (data: Partial<ProposeDecision['data']> = {}, now = opening): ProposeDecision => ({
  type: 'ProposeDecision',
  data: {
    proposalId,
    podId,
    proposerMemberId: 'ana',
    proposerIsMember: true,
    proposerIsCoordinator: false,
    kind: 'general',
    title: 'Buy a shared freezer',
    text: 'We buy a freezer for the community kitchen.',
    subject: { type: 'none' },
    deadline,
    method: DEFAULT_DECISION_METHODS.general,
    electorate,
    ...data,
  },
  metadata: meta(now),
});

const opened = (method: DecisionMethod = DEFAULT_DECISION_METHODS.general, data: Partial<ProposalOpened['data']> = {}): ProposalOpened => ({
  type: 'ProposalOpened',
  data: {
    proposalId,
    podId,
    proposerMemberId: 'ana',
    kind: 'general',
    title: 'Buy a shared freezer',
    text: 'We buy a freezer for the community kitchen.',
    subject: { type: 'none' },
    method,
    round: 1,
    deadline,
    electorate,
    openedAt: opening,
    ...data,
  },
  metadata: eventMeta(opening),
});

const vote = (voter: string, position: string, now = beforeDeadline, reason: string | null = null): ProposalCommand => ({
  type: 'CastVote',
  data: { voterMemberId: voter, position, reason },
  metadata: meta(now, voter),
});
const voted = (voter: string, position: string, round = 1, now = beforeDeadline): ProposalEvent =>
  ({
    type: 'VoteCast',
    data: { proposalId, podId, round, voterMemberId: voter, position, reason: null, castAt: now },
    metadata: eventMeta(now, voter),
  }) as ProposalEvent;
const close = (now = afterDeadline): ProposalCommand => ({ type: 'CloseProposal', data: {}, metadata: meta(now, 'system:membership') });
const decided = (outcome: string, tally: Tally, method: DecisionMethod = DEFAULT_DECISION_METHODS.general): ProposalEvent =>
  ({
    type: 'ProposalDecided',
    data: { ...summary, method, proposalId, podId, round: 1, deadline, electorate, outcome, tally, decidedAt: afterDeadline },
    metadata: eventMeta(afterDeadline, 'system:membership'),
  }) as ProposalEvent;
const tally = (positions: Record<string, number>, electorateSize = 4): Tally => ({
  electorateSize,
  votesCast: Object.values(positions).reduce((sum, count) => sum + count, 0),
  positions,
});
const amend = (text: string, amender = 'ana', now = beforeDeadline, newDeadline = '2026-12-10T10:00:00.000Z'): ProposalCommand => ({
  type: 'AmendProposal',
  data: { amenderMemberId: amender, text, deadline: newDeadline, electorate },
  metadata: meta(now, amender),
});

const summary = { kind: 'general', title: 'Buy a shared freezer', method: DEFAULT_DECISION_METHODS.general, subject: { type: 'none' } } as const;
const majority = DEFAULT_DECISION_METHODS['funds-disbursement'];
const consensus = DEFAULT_DECISION_METHODS['agreement-change'];

describe('proposal decider', () => {
  describe('proposing', () => {
    it('opens round 1 with the pod method, the deadline and the electorate fixed at opening', () => {
      spec(proposalDecider).given([]).when(propose()).then([opened()]);
    });

    it.each<[string, Partial<ProposeDecision['data']>, string, string | undefined]>([
      ['a non-member', { proposerIsMember: false }, 'NOT_A_MEMBER', undefined],
      ['an unknown kind', { kind: 'election' }, 'INVALID_PROPOSAL', 'kind'],
      ['a data move by a non-coordinator', { kind: 'data-move' }, 'NOT_A_COORDINATOR', 'kind'],
      ['a disbursement decision without its funds proposal', { kind: 'funds-disbursement' }, 'INVALID_PROPOSAL', 'disbursementProposalId'],
      [
        'a general decision naming a funds proposal',
        { subject: { type: 'disbursement', disbursementProposalId } },
        'INVALID_PROPOSAL',
        'disbursementProposalId',
      ],
      ['a two-letter title', { title: 'ok' }, 'INVALID_PROPOSAL', 'title'],
      ['an empty text', { text: '  ' }, 'INVALID_PROPOSAL', 'text'],
      ['a deadline in the past', { deadline: '2026-11-30T10:00:00.000Z' }, 'INVALID_DEADLINE', 'deadline'],
      ['a deadline that is no date', { deadline: 'friday' }, 'INVALID_DEADLINE', 'deadline'],
      ['a deadline 91 days away', { deadline: '2027-03-02T10:00:00.000Z' }, 'INVALID_DEADLINE', 'deadline'],
      ['nobody to vote', { electorate: [] }, 'NO_ELECTORATE', 'kind'],
    ])('refuses %s', (_case, data, code, field) => {
      const error = spec(proposalDecider).given([]).when(propose(data)).thenThrows(DomainRuleViolation) as DomainRuleViolation;
      expect([error.code, error.field]).toEqual([code, field]);
    });

    it('lets a coordinator propose a data move, and a disbursement decision name its funds proposal', () => {
      const [move] = proposalDecider.decide(propose({ kind: 'data-move', proposerIsCoordinator: true }), proposalDecider.initialState());
      expect(move!.type).toBe('ProposalOpened');
      const subject = { type: 'disbursement' as const, disbursementProposalId };
      spec(proposalDecider)
        .given([])
        .when(propose({ kind: 'funds-disbursement', subject, method: majority }))
        .then([opened(majority, { kind: 'funds-disbursement', subject })]);
    });

    it('refuses the same proposal twice', () => {
      spec(proposalDecider)
        .given([opened()])
        .when(propose())
        .thenThrows(DomainRuleViolation, /already made/);
    });
  });

  describe('voting', () => {
    it('records a vote of the electorate and lets it change until the deadline', () => {
      spec(proposalDecider)
        .given([opened(), voted('bo', 'object')])
        .when(vote('bo', 'consent'))
        .then([voted('bo', 'consent')]);
      expect(
        spec(proposalDecider)
          .given([opened(), voted('bo', 'object'), voted('bo', 'consent')])
          .state(),
      ).toMatchObject({
        rounds: [{ votes: { bo: 'consent' } }],
      });
    });

    it('records nothing for the same answer again', () => {
      spec(proposalDecider)
        .given([opened(), voted('bo', 'consent')])
        .when(vote('bo', 'consent'))
        .then([]);
    });

    it('refuses a vote from outside the electorate, a position of another method, and a vote after the deadline', () => {
      spec(proposalDecider)
        .given([opened()])
        .when(vote('eve', 'consent'))
        .thenThrows(DomainRuleViolation, /not among/);
      spec(proposalDecider)
        .given([opened()])
        .when(vote('bo', 'for'))
        .thenThrows(DomainRuleViolation, /consent, object/);
      spec(proposalDecider)
        .given([opened()])
        .when(vote('bo', 'consent', deadline))
        .thenThrows(DomainRuleViolation, /ended/);
      spec(proposalDecider)
        .given([])
        .when(vote('bo', 'consent'))
        .thenThrows(DomainRuleViolation, /no such proposal/);
    });
  });

  describe('closing at the deadline', () => {
    it('does nothing before the deadline, or once closed', () => {
      spec(proposalDecider).given([opened()]).when(close(beforeDeadline)).then([]);
      spec(proposalDecider)
        .given([opened(), decided('passed', tally({ consent: 0, object: 0 }))])
        .when(close())
        .then([]);
    });

    it('consent: passes when nobody objects, silence included', () => {
      spec(proposalDecider)
        .given([opened(), voted('bo', 'consent')])
        .when(close())
        .then([decided('passed', tally({ consent: 1, object: 0 }))]);
    });

    it('consent: an objection ends the round, not the proposal; the proposer amends it into a new round that keeps the history', () => {
      const objected: ProposalEvent = {
        type: 'ProposalObjected',
        data: { proposalId, podId, round: 1, tally: tally({ consent: 1, object: 1 }), closedAt: afterDeadline },
        metadata: eventMeta(afterDeadline, 'system:membership'),
      };
      spec(proposalDecider)
        .given([opened(), voted('bo', 'consent'), voted('cy', 'object')])
        .when(close())
        .then([objected]);
      const given = spec(proposalDecider).given([opened(), voted('bo', 'consent'), voted('cy', 'object'), objected]);
      given.when(vote('dee', 'consent', afterDeadline)).thenThrows(DomainRuleViolation, /ended/);
      given.when(amend('We buy a smaller freezer.', 'bo', afterDeadline)).thenThrows(DomainRuleViolation, /Only the member who made/);
      const newDeadline = '2026-12-10T10:00:00.000Z';
      const amended: ProposalEvent = {
        type: 'ProposalAmended',
        data: {
          ...summary,
          proposalId,
          podId,
          round: 2,
          text: 'We buy a smaller freezer.',
          deadline: newDeadline,
          electorate,
          amendedByMemberId: 'ana',
          amendedAt: afterDeadline,
        },
        metadata: eventMeta(afterDeadline),
      };
      given.when(amend('We buy a smaller freezer.', 'ana', afterDeadline)).then([amended]);
      const state = spec(proposalDecider)
        .given([opened(), voted('bo', 'consent'), voted('cy', 'object'), objected, amended, voted('cy', 'consent', 2, afterDeadline)])
        .state();
      expect(state).toMatchObject({
        status: 'open',
        rounds: [
          { round: 1, result: 'objected', votes: { bo: 'consent', cy: 'object' }, tally: tally({ consent: 1, object: 1 }) },
          { round: 2, text: 'We buy a smaller freezer.', deadline: newDeadline, votes: { cy: 'consent' }, result: null },
        ],
      });
    });

    it('majority: for outnumbers against among a quorum, abstentions counted for the quorum only', () => {
      const given = [opened(majority), voted('ana', 'for'), voted('bo', 'abstain')];
      spec(proposalDecider)
        .given(given)
        .when(close())
        .then([decided('passed', tally({ for: 1, against: 0, abstain: 1 }), majority)]);
      spec(proposalDecider)
        .given([...given, voted('cy', 'against')])
        .when(close())
        .then([decided('rejected', tally({ for: 1, against: 1, abstain: 1 }), majority)]);
      spec(proposalDecider)
        .given([opened(majority), voted('ana', 'for')])
        .when(close())
        .then([decided('no-quorum', tally({ for: 1, against: 0, abstain: 0 }), majority)]);
    });

    it('consensus: a block stops it, stand-asides let it pass only while agreement outweighs them', () => {
      const base = [opened(consensus), voted('ana', 'agree'), voted('bo', 'stand-aside')];
      spec(proposalDecider)
        .given([...base, voted('cy', 'agree')])
        .when(close())
        .then([decided('passed', tally({ agree: 2, 'stand-aside': 1, block: 0 }), consensus)]);
      spec(proposalDecider)
        .given(base)
        .when(close())
        .then([decided('rejected', tally({ agree: 1, 'stand-aside': 1, block: 0 }), consensus)]);
      spec(proposalDecider)
        .given([...base, voted('cy', 'agree'), voted('dee', 'block')])
        .when(close())
        .then([decided('blocked', tally({ agree: 2, 'stand-aside': 1, block: 1 }), consensus)]);
    });
  });

  describe('amending and withdrawing', () => {
    it('an amendment while open starts round 2 with fresh votes', () => {
      const amended = proposalDecider.decide(
        amend('We buy two freezers.'),
        spec(proposalDecider)
          .given([opened(), voted('bo', 'object')])
          .state(),
      );
      expect(amended).toMatchObject([{ type: 'ProposalAmended', data: { round: 2, text: 'We buy two freezers.' } }]);
      const state = spec(proposalDecider)
        .given([opened(), voted('bo', 'object'), ...amended])
        .state();
      expect(state).toMatchObject({
        status: 'open',
        rounds: [
          { round: 1, votes: { bo: 'object' } },
          { round: 2, votes: {} },
        ],
      });
    });

    it('refuses an unchanged text, and an amendment of a round whose deadline passed before it was counted', () => {
      spec(proposalDecider)
        .given([opened()])
        .when(amend('We buy a freezer for the community kitchen.'))
        .thenThrows(DomainRuleViolation, /changes the text/);
      spec(proposalDecider)
        .given([opened()])
        .when(amend('Two freezers.', 'ana', afterDeadline))
        .thenThrows(DomainRuleViolation, /being counted/);
    });

    it('the proposer or a coordinator withdraws it; then nothing more happens to it', () => {
      const withdraw = (member: string, coordinator: boolean): ProposalCommand => ({
        type: 'WithdrawProposal',
        data: { withdrawerMemberId: member, withdrawerIsCoordinator: coordinator },
        metadata: meta(beforeDeadline, member),
      });
      spec(proposalDecider)
        .given([opened()])
        .when(withdraw('bo', false))
        .thenThrows(DomainRuleViolation, /or a coordinator/);
      const withdrawn: ProposalEvent = {
        type: 'ProposalWithdrawn',
        data: { proposalId, podId, round: 1, withdrawnByMemberId: 'cy', withdrawnAt: beforeDeadline },
        metadata: eventMeta(beforeDeadline, 'cy'),
      };
      spec(proposalDecider).given([opened()]).when(withdraw('cy', true)).then([withdrawn]);
      spec(proposalDecider)
        .given([opened(), withdrawn])
        .when(vote('bo', 'consent'))
        .thenThrows(DomainRuleViolation, /withdrawn proposal/);
      spec(proposalDecider).given([opened(), withdrawn]).when(close()).then([]);
    });
  });

  describe('the deadline reminder and the scheduler', () => {
    const warn = (now: string): ProposalCommand => ({ type: 'WarnDeadlineNear', data: {}, metadata: meta(now, 'system:membership') });
    const near: ProposalEvent = {
      type: 'ProposalDeadlineNear',
      data: { ...summary, proposalId, podId, round: 1, deadline, electorate },
      metadata: eventMeta(dayBefore, 'system:membership'),
    };

    it('reminds once, from a day before the deadline until it', () => {
      spec(proposalDecider).given([opened()]).when(warn(beforeDeadline)).then([]);
      spec(proposalDecider).given([opened()]).when(warn(dayBefore)).then([near]);
      spec(proposalDecider).given([opened(), near]).when(warn(dayBefore)).then([]);
      spec(proposalDecider).given([opened()]).when(warn(afterDeadline)).then([]);
    });

    it('sends no reminder for a round opened less than a day before its deadline: the scheduler wakes only for the deadline', () => {
      const short = opened(DEFAULT_DECISION_METHODS.general, { openedAt: '2026-12-03T12:00:00.000Z' });
      spec(proposalDecider).given([short]).when(warn('2026-12-03T13:00:00.000Z')).then([]);
      expect(nextWakeOf(spec(proposalDecider).given([short]).state())).toBe(deadline);
    });

    it('wakes the scheduler for the reminder, then for the deadline, then never', () => {
      expect(nextWakeOf(spec(proposalDecider).given([opened()]).state())).toBe(dayBefore);
      expect(nextWakeOf(spec(proposalDecider).given([opened(), near]).state())).toBe(deadline);
      expect(
        nextWakeOf(
          spec(proposalDecider)
            .given([opened(), near, decided('passed', tally({ consent: 0, object: 0 }))])
            .state(),
        ),
      ).toBeNull();
    });
  });
});
