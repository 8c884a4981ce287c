import { memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Funds through the gateway, with membership granting the roles funds learns from its events: a donation with its
 * fee, a disbursement approved by two treasurers and paid, clear errors for bad input, the pod's accounts and
 * transfers page by page, the public report anyone can read without an account; and the time bank across services:
 * a request matched by matching and confirmed fulfilled in requests moves the helper's minutes in funds; and a payout
 * recorded by treasurers as paid outside the platform, then reversed, shown honestly by the public report.
 */
describe('funds through the gateway', () => {
  const platform = new PlatformHarness();
  const { graphql, data } = platform;

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('takes money in, pays out on two treasurer approvals, refuses bad input, and publishes the report', async () => {
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      {
        input: { name: 'Braga', slug: `braga-${platform.suffix}` },
      },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Sé', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const member = (name: string, roles: string[] = ['member']) => platform.token(`person-${name}`, podId, roles);
    for (const name of ['ana', 'bo', 'dee', 'cleo']) {
      await data(await member(name), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name });
    }
    const GRANT = 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }';
    await data(operator, GRANT, { input: { podId, memberId: memberIdFor(podId, 'person-cleo'), role: 'coordinator' } });
    const cleo = await member('cleo', ['member', 'coordinator']);
    for (const name of ['bo', 'dee']) await data(cleo, GRANT, { input: { memberId: memberIdFor(podId, `person-${name}`), role: 'treasurer' } });

    const [ana, bo, dee] = await Promise.all([member('ana'), member('bo', ['member', 'treasurer']), member('dee', ['member', 'treasurer'])]);
    const CONTRIBUTE = 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id transferId feeTransferId } }';
    const donation = { currency: 'EUR', amountMinor: 20_000, feeMinor: 500, method: 'bank-transfer', sourceKind: 'organisation', anonymous: true };
    // Funds learns about treasurers from membership's role events: until they arrive, Bo is refused.
    await waitFor(
      async () => (await graphql(bo, CONTRIBUTE, { input: { ...donation, contributionId: '6a1f0a5e-1111-4a1a-9a1a-000000000001' } })).errors === undefined,
      {
        description: 'funds to know Bo as a treasurer',
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );

    const bad = await graphql(bo, CONTRIBUTE, { input: { ...donation, amountMinor: 10.5 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'FRACTIONAL_MINOR_UNIT', field: 'amountMinor' });

    const PROPOSAL = 'id status approvalsRequired processorReference';
    const { proposeDisbursement } = await data<{ proposeDisbursement: { id: string; status: string; approvalsRequired: number } }>(
      ana,
      `mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { ${PROPOSAL} } }`,
      { input: { currency: 'EUR', amountMinor: 4_500, category: 'medical', reason: 'Prescription for a neighbour' } },
    );
    expect(proposeDisbursement).toMatchObject({ status: 'PROPOSED', approvalsRequired: 2 });
    const APPROVE = `mutation($id: ID!) { approveDisbursement(proposalId: $id) { ${PROPOSAL} } }`;
    const PAY = `mutation($id: ID!) { payDisbursement(proposalId: $id) { ${PROPOSAL} } }`;
    const id = proposeDisbursement.id;
    expect((await graphql(ana, APPROVE, { id })).errors?.[0]?.extensions).toMatchObject({ code: 'OWN_PROPOSAL', field: 'proposalId' });
    expect((await graphql(bo, PAY, { id })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_APPROVED', field: 'proposalId' });
    await data(bo, APPROVE, { id });
    expect((await graphql(bo, APPROVE, { id })).errors?.[0]?.extensions).toMatchObject({ code: 'ALREADY_APPROVED' });
    await data(dee, APPROVE, { id });
    const { payDisbursement } = await data<{ payDisbursement: { status: string; processorReference: string } }>(bo, PAY, { id });
    expect(payDisbursement).toMatchObject({ status: 'PAID', processorReference: expect.stringMatching(/^sandbox_po_/) });

    const { pod } = await data<{ pod: { accounts: { kind: string; unit: string; balanceMinor: number }[] } }>(
      ana,
      `{ pod(id: "${podId}") { accounts { kind unit balanceMinor } } }`,
    );
    expect(pod.accounts).toEqual(
      expect.arrayContaining([
        { kind: 'TREASURY', unit: 'EUR', balanceMinor: 20_000 - 500 - 4_500 },
        { kind: 'FEES', unit: 'EUR', balanceMinor: 500 },
        { kind: 'COMMUNITY_TIME_POOL', unit: 'HOUR', balanceMinor: 0 },
      ]),
    );

    const PAGE = 'query($after: String) { transfers(first: 2, after: $after) { edges { node { kind amountMinor } } pageInfo { hasNextPage endCursor } } }';
    type Page = { transfers: { edges: { node: { kind: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await data<Page>(ana, PAGE);
    const second = await data<Page>(ana, PAGE, { after: first.transfers.pageInfo.endCursor });
    expect([...first.transfers.edges, ...second.transfers.edges].map((edge) => edge.node.kind)).toEqual(['DISBURSEMENT', 'PROCESSOR_FEE', 'CONTRIBUTION']);
    expect(second.transfers.pageInfo.hasNextPage).toBe(false);

    // The public report needs no account at all: straight from the funds service's public route.
    const month = new Date().toISOString().slice(0, 7);
    const fundsBase = platform.serviceUrls.funds!.replace(/\/graphql$/, '');
    const response = await fetch(`${fundsBase}/public/funds/pods/${podId}/reports/${month}.json`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { money: unknown[]; namedDonors: unknown[] };
    expect(report.money).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        totalInMinor: 20_000,
        feesMinor: 500,
        totalOutMinor: 4_500,
        balanceMinor: 15_000,
        outByCategory: [{ category: 'medical', amountMinor: 4_500 }],
      }),
    ]);
    expect(report.namedDonors).toEqual([]);
    // Through the gateway too, without a token: the one funds query open to anonymous callers.
    const REPORT = `{ publicFundsReport(podId: "${podId}", period: "${month}") { money { balanceMinor } hours { peopleWhoGaveAndReceived } } }`;
    const { publicFundsReport } = await data<{ publicFundsReport: { money: { balanceMinor: number }[] } }>(null, REPORT);
    expect(publicFundsReport.money).toEqual([{ balanceMinor: 15_000 }]);
    // Anything else in the same operation still needs a token.
    expect(
      (await graphql(null, `{ publicFundsReport(podId: "${podId}", period: "${month}") { podId } transfers(first: 1) { pageInfo { hasNextPage } } }`)).status,
    ).toBe(401);
  });

  it('records a payout made outside the platform, confirmed by a second treasurer, then reverses it with the ledger still balanced', async () => {
    const operator = await platform.token('operator-3', undefined, ['operator']);
    const region = await data<{ createRegion: { id: string } }>(operator, 'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }', {
      input: { name: 'Porto', slug: `porto-${platform.suffix}` },
    });
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: region.createRegion.id, name: 'Bonfim', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const member = (name: string, roles: string[] = ['member']) => platform.token(`person-${name}-p`, podId, roles);
    for (const name of ['ana', 'bo', 'dee', 'cleo']) {
      await data(await member(name), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name });
    }
    // A pod's first role is a coordinator (granted by the operator); the coordinator names the treasurers.
    const GRANT = 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }';
    await data(operator, GRANT, { input: { podId, memberId: memberIdFor(podId, 'person-cleo-p'), role: 'coordinator' } });
    const cleo = await member('cleo', ['member', 'coordinator']);
    for (const name of ['bo', 'dee']) await data(cleo, GRANT, { input: { memberId: memberIdFor(podId, `person-${name}-p`), role: 'treasurer' } });
    const [ana, bo, dee] = await Promise.all([member('ana'), member('bo', ['member', 'treasurer']), member('dee', ['member', 'treasurer'])]);
    const CONTRIBUTE = 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }';
    const donation = {
      contributionId: '6a1f0a5e-3333-4a1a-9a1a-000000000001',
      currency: 'EUR',
      amountMinor: 10_000,
      feeMinor: 0,
      method: 'cash',
      sourceKind: 'event',
      anonymous: true,
    };
    await waitFor(async () => (await graphql(bo, CONTRIBUTE, { input: donation })).errors === undefined, {
      description: 'funds to know Bo as a treasurer',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const { proposeDisbursement } = await data<{ proposeDisbursement: { id: string } }>(
      ana,
      'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id } }',
      { input: { currency: 'EUR', amountMinor: 2_500, category: 'housing', reason: 'Electricity bill before the cut-off' } },
    );
    const id = proposeDisbursement.id;
    // Dee may not be known as a treasurer yet when Bo is: approve until funds has heard of both.
    for (const treasurer of [bo, dee]) {
      await waitFor(async () => (await graphql(treasurer, 'mutation($id: ID!) { approveDisbursement(proposalId: $id) { id } }', { id })).errors === undefined, {
        description: 'a treasurer approval',
        timeoutMs: 30_000,
        intervalMs: 250,
      });
    }

    const PAYOUT = 'status payout { status method confirmedBy { member { id } } transferId reversalTransferId }';
    const RECORD = `mutation($input: RecordDisbursementPayoutInput!) { recordDisbursementPayout(input: $input) { ${PAYOUT} } }`;
    const payout = {
      proposalId: id,
      method: 'BANK_TRANSFER',
      externalReference: 'MB WAY 7781',
      proofSha256: 'ab'.repeat(32),
      paidAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const bad = await graphql(bo, RECORD, { input: { ...payout, proofSha256: 'scan.pdf' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PROOF_HASH', field: 'proofSha256' });
    expect(
      (await data<{ recordDisbursementPayout: { payout: { status: string } } }>(bo, RECORD, { input: payout })).recordDisbursementPayout.payout.status,
    ).toBe('AWAITING_CONFIRMATION');
    const { confirmDisbursementPayout } = await data<{ confirmDisbursementPayout: { status: string; payout: { status: string; transferId: string } } }>(
      dee,
      `mutation($id: ID!) { confirmDisbursementPayout(proposalId: $id) { ${PAYOUT} } }`,
      { id },
    );
    expect(confirmDisbursementPayout).toMatchObject({ status: 'PAID', payout: { status: 'PAID', transferId: expect.any(String) } });

    const month = new Date().toISOString().slice(0, 7);
    const REPORT = `{ publicFundsReport(podId: "${podId}", period: "${month}") { money { totalOutMinor payoutsReversedMinor balanceMinor } } }`;
    expect((await data<{ publicFundsReport: { money: unknown[] } }>(null, REPORT)).publicFundsReport.money).toEqual([
      { totalOutMinor: 2_500, payoutsReversedMinor: 0, balanceMinor: 7_500 },
    ]);

    const { reverseDisbursementPayout } = await data<{ reverseDisbursementPayout: { status: string; payout: { reversalTransferId: string } } }>(
      dee,
      `mutation($input: ReverseDisbursementPayoutInput!) { reverseDisbursementPayout(input: $input) { ${PAYOUT} } }`,
      { input: { proposalId: id, reason: 'RETURNED_BY_BANK' } },
    );
    expect(reverseDisbursementPayout).toMatchObject({ status: 'REVERSED', payout: { reversalTransferId: expect.any(String) } });
    expect((await data<{ publicFundsReport: { money: unknown[] } }>(null, REPORT)).publicFundsReport.money).toEqual([
      { totalOutMinor: 0, payoutsReversedMinor: 2_500, balanceMinor: 10_000 },
    ]);
    // Double entry: the pod's accounts of each unit sum to zero after the payout and its reversal.
    const { pod } = await data<{ pod: { accounts: { unit: string; balanceMinor: number }[] } }>(
      ana,
      `{ pod(id: "${podId}") { accounts { unit balanceMinor } } }`,
    );
    const sums = new Map<string, number>();
    for (const account of pod.accounts) sums.set(account.unit, (sums.get(account.unit) ?? 0) + account.balanceMinor);
    expect([...sums.values()].every((sum) => sum === 0)).toBe(true);
    expect(sums.has('EUR')).toBe(true);
  });

  it('credits the helper and debits the requester the same minutes when a request is confirmed fulfilled with hours', async () => {
    const operator = await platform.token('operator-2', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      {
        input: { name: 'Évora', slug: `evora-${platform.suffix}` },
      },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Centro', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const ana = await platform.token('person-ana-t', podId, ['member']);
    const bo = await platform.token('person-bo-t', podId, ['member']);
    await data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
    const boId = (await data<{ joinPod: { id: string } }>(bo, 'mutation { joinPod(input: { displayName: "Bo" }) { id } }')).joinPod.id;
    await data(bo, 'mutation { updateProfile(input: { skills: [GROCERIES], languages: ["pt"] }) { id } }');

    // Matching suggests Bo once it has heard of his skills; he accepts and Ana confirms him.
    const suggestion = await waitFor(
      async () => {
        const { postRequest } = await data<{ postRequest: { id: string } }>(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: { title: 'Compras para a semana', language: 'pt', category: 'GROCERIES', urgency: 'URGENT' },
        });
        const suggestions = await waitFor(
          async () => {
            const { request } = await data<{ request: { matching: { state: string }; suggestions: { id: string; helperMemberId: string }[] } | null }>(
              ana,
              'query($id: ID!) { request(id: $id) { matching { state } suggestions { id helperMemberId } } }',
              { id: postRequest.id },
            );
            return request && request.matching.state !== 'PENDING' ? request.suggestions : undefined;
          },
          { description: 'the request to be evaluated', timeoutMs: 30_000, intervalMs: 250 },
        );
        const forBo = suggestions.find((candidate) => candidate.helperMemberId === boId);
        return forBo ? { requestId: postRequest.id, suggestionId: forBo.id } : undefined;
      },
      { description: 'a request suggesting Bo', timeoutMs: 60_000, intervalMs: 500 },
    );
    await data(bo, 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: suggestion.suggestionId });
    await data(ana, 'mutation($id: ID!) { confirmHelper(suggestionId: $id) { matched } }', { id: suggestion.suggestionId });
    const CONFIRM = 'mutation($input: ConfirmFulfilmentInput!) { confirmFulfilment(input: $input) { id } }';
    await waitFor(
      async () =>
        (await graphql(ana, CONFIRM, { input: { requestId: suggestion.requestId, hoursGiven: [{ helperMemberId: boId, minutes: 90 }] } })).errors === undefined,
      {
        description: 'requests to know the match and take the confirmation',
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );

    // Funds hears the fulfilment and posts one time exchange; the Request shows it through the federated extension.
    const HOURS = 'query($id: ID!) { request(id: $id) { id hoursGivenMinutes timeTransfers { kind amountMinor } } }';
    const request = await waitFor(
      async () => {
        const result = await data<{ request: { hoursGivenMinutes: number; timeTransfers: { kind: string; amountMinor: number }[] } }>(ana, HOURS, {
          id: suggestion.requestId,
        });
        return result.request.hoursGivenMinutes > 0 ? result.request : undefined;
      },
      { description: 'funds to credit the hours', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(request).toMatchObject({ hoursGivenMinutes: 90, timeTransfers: [{ kind: 'TIME_EXCHANGE', amountMinor: 90 }] });
    const { pod } = await data<{ pod: { accounts: { kind: string; balanceMinor: number; member: { member: { id: string } | null } | null }[] } }>(
      bo,
      `{ pod(id: "${podId}") { accounts { kind balanceMinor member { member { id } } } } }`,
    );
    const timeAccounts = pod.accounts.filter((account) => account.kind === 'MEMBER_TIME');
    expect(timeAccounts.map((account) => account.balanceMinor).sort((a, b) => a - b)).toEqual([-90, 90]);
    expect(timeAccounts.find((account) => account.balanceMinor === 90)?.member?.member?.id).toBe(boId);
  });
});
