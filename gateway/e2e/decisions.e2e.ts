import { memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * A pod decides a large payment together through the gateway: a coordinator proposes the decision for a funds
 * proposal waiting for one, members vote (one changes their vote), the deadline passes, membership records the result
 * with its tally, and funds approves the payment on the pod-decision route. An outsider and a non-member see nothing.
 */
describe('decisions through the gateway', () => {
  const platform = new PlatformHarness();
  const { graphql, data } = platform;

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('a disbursement decision: votes change until the deadline, the tally is recorded, and funds approves the payment', async () => {
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      {
        input: { name: 'Porto', slug: `porto-${platform.suffix}` },
      },
    );
    const CREATE_POD = 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }';
    const pod = (name: string) =>
      data<{ createPod: { id: string } }>(operator, CREATE_POD, { input: { regionId: createRegion.id, name, languages: ['pt'], timezone: 'Europe/Lisbon' } });
    const podId = (await pod('Bonfim')).createPod.id;
    const otherPodId = (await pod('Paranhos')).createPod.id;
    const member = (name: string, roles: string[] = ['member'], inPod = podId) => platform.token(`person-${name}`, inPod, roles);
    const JOIN = 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }';
    for (const name of ['ana', 'bo', 'cleo']) await data(await member(name), JOIN, { name });
    const eve = await member('eve', ['member'], otherPodId);
    await data(eve, JOIN, { name: 'eve' });
    await data(operator, 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }', {
      input: { podId, memberId: memberIdFor(podId, 'person-cleo'), role: 'coordinator' },
    });
    const [ana, bo, cleo] = await Promise.all([member('ana'), member('bo'), member('cleo', ['member', 'coordinator'])]);
    // A token for the pod, but never joined it.
    const zed = await member('zed');

    const PROPOSE_PAYMENT = 'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id route status } }';
    const payment = await waitFor(
      async () =>
        (
          await graphql<{ proposeDisbursement: { id: string; route: string } }>(ana, PROPOSE_PAYMENT, {
            input: { currency: 'EUR', amountMinor: 80_000, category: 'housing', reason: 'Rent for a family in need' },
          })
        ).data?.proposeDisbursement,
      { description: 'funds to know Ana', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(payment.route).toBe('POD_DECISION');

    const PROPOSAL = 'id status outcome round myVote mayVote method { method quorumPercent } tally { electorateSize votesCast counts { position count } }';
    const deadline = new Date(Date.now() + 20_000).toISOString();
    const { proposeDecision } = await data<{ proposeDecision: { id: string; status: string; method: { method: string } } }>(
      cleo,
      `mutation($input: ProposeDecisionInput!) { proposeDecision(input: $input) { ${PROPOSAL} } }`,
      { input: { kind: 'FUNDS_DISBURSEMENT', title: 'Rent help for a family', text: 'Pay 800 EUR of rent.', deadline, disbursementProposalId: payment.id } },
    );
    expect(proposeDecision).toMatchObject({ status: 'OPEN', method: { method: 'MAJORITY', quorumPercent: 50 } });
    const proposalId = proposeDecision.id;

    const VOTE = `mutation($input: VoteOnProposalInput!) { voteOnProposal(input: $input) { ${PROPOSAL} } }`;
    await data(ana, VOTE, { input: { proposalId, position: 'for' } });
    await data(bo, VOTE, { input: { proposalId, position: 'against' } });
    const changed = await data<{ voteOnProposal: { myVote: string } }>(bo, VOTE, { input: { proposalId, position: 'for' } });
    expect(changed.voteOnProposal.myVote).toBe('for');
    expect((await graphql(bo, VOTE, { input: { proposalId, position: 'block' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_VOTE',
      field: 'position',
    });
    expect((await graphql(eve, VOTE, { input: { proposalId, position: 'for' } })).errors?.[0]?.extensions).toMatchObject({ code: 'PROPOSAL_NOT_FOUND' });

    // Outsiders and non-members see nothing.
    const ONE = `query($id: ID!) { proposal(id: $id) { id } }`;
    expect((await data<{ proposal: unknown }>(eve, ONE, { id: proposalId })).proposal).toBeNull();
    expect((await data<{ proposal: unknown }>(zed, ONE, { id: proposalId })).proposal).toBeNull();

    const decided = await waitFor(
      async () => {
        const { proposal } = await data<{ proposal: { status: string; outcome: string; tally: unknown } | null }>(
          ana,
          `query($id: ID!) { proposal(id: $id) { ${PROPOSAL} } }`,
          {
            id: proposalId,
          },
        );
        return proposal?.status === 'DECIDED' ? proposal : undefined;
      },
      { description: 'the decision counted at its deadline', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(decided).toMatchObject({
      outcome: 'PASSED',
      tally: {
        electorateSize: 3,
        votesCast: 2,
        counts: [
          { position: 'for', count: 2 },
          { position: 'against', count: 0 },
          { position: 'abstain', count: 0 },
        ],
      },
    });

    const approved = await waitFor(
      async () => {
        const { disbursementProposal } = await data<{ disbursementProposal: { status: string } | null }>(
          ana,
          'query($id: ID!) { disbursementProposal(id: $id) { status route } }',
          {
            id: payment.id,
          },
        );
        return disbursementProposal?.status === 'APPROVED' ? disbursementProposal : undefined;
      },
      { description: 'funds to approve the payment the pod decided', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(approved).toMatchObject({ status: 'APPROVED', route: 'POD_DECISION' });

    const { pod: seen } = await data<{ pod: { proposals: { id: string }[] } | null }>(ana, `{ pod(id: "${podId}") { proposals { id } } }`);
    expect(seen?.proposals).toEqual([{ id: proposalId }]);
    const { pod: unseen } = await data<{ pod: { proposals: { id: string }[] } | null }>(zed, `{ pod(id: "${podId}") { proposals { id } } }`);
    expect(unseen?.proposals ?? []).toEqual([]);
  });
});
