import { ProposalDeadlineNearV1, ProposalDecidedV1, ProposalOpenedV1 } from './membership-decisions.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const proposalId = '5e6f7081-92a3-4bcd-8e0f-1a2b3c4d5e6f';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const disbursementProposalId = '6f708192-a3b4-4cde-8f01-2b3c4d5e6f70';
const at = '2026-12-01T10:00:00.000Z';

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

const proposal = { proposalId, podId, kind: 'general', title: 'Buy a shared freezer', method: 'consent', round: 1, deadline: at };

describe('membership decision contracts', () => {
  it('proposal-opened and proposal-deadline-near name the round, its deadline and who may vote', () => {
    const opened = { ...proposal, electorateMemberIds: [memberId], openedAt: at };
    expect(ProposalOpenedV1.type).toBe('membership.proposal-opened.v1');
    expect(ProposalOpenedV1.parse(opened)).toEqual({ ok: true, data: opened });
    expect(issuePaths(ProposalOpenedV1.parse({ ...opened, kind: 'election', round: 0, electorateMemberIds: [] }))).toEqual([
      'kind',
      'round',
      'electorateMemberIds',
    ]);
    expect(ProposalDeadlineNearV1.parse({ ...proposal, electorateMemberIds: [memberId] }).ok).toBe(true);
  });

  it('proposal-decided carries the outcome, the tally and what it acts on', () => {
    const decided = {
      ...proposal,
      kind: 'funds-disbursement',
      method: 'majority',
      subject: { type: 'disbursement', disbursementProposalId },
      outcome: 'passed',
      tally: { electorateSize: 3, votesCast: 3, positions: { for: 2, against: 1, abstain: 0 } },
      electorateMemberIds: [memberId],
      decidedAt: at,
    };
    expect(ProposalDecidedV1.type).toBe('membership.proposal-decided.v1');
    expect(ProposalDecidedV1.parse(decided)).toEqual({ ok: true, data: decided });
    expect(
      issuePaths(ProposalDecidedV1.parse({ ...decided, outcome: 'objected', subject: { type: 'disbursement' }, tally: { ...decided.tally, votesCast: -1 } })),
    ).toEqual(['subject.disbursementProposalId', 'outcome', 'tally.votesCast']);
  });
});
