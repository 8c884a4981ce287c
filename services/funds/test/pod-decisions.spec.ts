import { randomUUID } from 'node:crypto';
import { PodCreatedV1, ProposalDecidedV1, memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

/** Membership's decided proposals approve the disbursement proposals that wait for a pod decision (real PostgreSQL and NATS). */
describe('funds: disbursements approved by a pod decision', () => {
  let h: FundsHarness;
  const regionId = randomUUID();
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');

  beforeAll(async () => {
    h = await startFunds('funds_pod_decisions');
    await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, { podId, regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' });
    await joinMembers(h, [{ memberId: ana, podId }]);
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  async function propose(amountMinor: number): Promise<{ id: string; route: string }> {
    const token = await h.sut.token('person-ana', podId, ['member']);
    const { data, errors } = await h.sut.graphql<{ proposeDisbursement: { id: string; route: string } }>(
      token,
      'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id route } }',
      { input: { currency: 'EUR', amountMinor, category: 'housing', reason: 'Rent help for a family' } },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.proposeDisbursement;
  }

  const decided = (disbursementProposalId: string, kind: string, outcome: string) => {
    const proposalId = randomUUID();
    return h.publish(ProposalDecidedV1, `proposal:${podId}:${proposalId}`, podId, {
      proposalId,
      podId,
      kind,
      title: 'Pay the rent help',
      method: 'majority',
      round: 1,
      deadline: '2026-12-01T10:00:00.000Z',
      subject: { type: 'disbursement', disbursementProposalId },
      outcome,
      tally: { electorateSize: 3, votesCast: 3, positions: { for: 2, against: 1, abstain: 0 } },
      electorateMemberIds: [ana],
      decidedAt: '2026-12-01T10:00:01.000Z',
    });
  };
  const statusOf = async (proposalId: string) =>
    (
      await h.adminQuery<{ type: string }>(`select type from mutuo_events where stream_id = $1 order by stream_position`, [
        `disbursement:${podId}:${proposalId}`,
      ])
    ).map((row) => row.type);

  it('approves on the pod-decision route when the pod passes it; a rejected decision, or one for a proposal treasurers approve, changes nothing', async () => {
    const large = await propose(60_000);
    const small = await propose(1_000);
    expect([large.route, small.route]).toEqual(['POD_DECISION', 'TREASURER_APPROVALS']);
    const other = await propose(70_000);

    await decided(other.id, 'funds-disbursement', 'rejected');
    await decided(small.id, 'funds-disbursement', 'passed');
    await decided(large.id, 'funds-disbursement', 'passed');
    await waitFor(async () => (await statusOf(large.id)).includes('DisbursementApproved'), { description: 'the large proposal approved', timeoutMs: 20_000 });
    // The two that change nothing were dropped without holding up the pod's other events.
    expect(await statusOf(small.id)).toEqual(['DisbursementProposed']);
    expect(await statusOf(other.id)).toEqual(['DisbursementProposed']);
  });
});
