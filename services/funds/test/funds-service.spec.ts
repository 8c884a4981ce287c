import { randomUUID } from 'node:crypto';
import { MatchMadeV1, MemberErasedV1, PodCreatedV1, RequestFulfilledV1, RequestFulfilmentReversedV1, RoleGrantedV1, memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

/**
 * Funds as members and treasurers use it through its subgraph, fed by the other services' events from JetStream, on
 * a real PostgreSQL: money in and out, approvals, races for the last money, the time bank, clearing between pods,
 * the public report and erasure.
 */
describe('funds service (real PostgreSQL and NATS)', () => {
  let h: FundsHarness;
  const regionId = randomUUID();
  const podA = randomUUID();
  const podB = randomUUID();
  const [ana, bo, dee, cleo] = ['ana', 'bo', 'dee', 'cleo'].map((name) => memberIdFor(podA, `person-${name}`)) as [string, string, string, string];
  const hugo = memberIdFor(podB, 'person-hugo');
  const month = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    h = await startFunds('funds_service');
    for (const [podId, name] of [
      [podA, 'Arroios'],
      [podB, 'Graça'],
    ] as const) {
      await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, { podId, regionId, name, languages: ['pt'], timezone: 'Europe/Lisbon' });
    }
    // Funds refuses a donor, recipient or grantee it does not know as a member of the caller's pod.
    await joinMembers(h, [...[ana, bo, dee, cleo].map((memberId) => ({ memberId, podId: podA })), { memberId: hugo, podId: podB }]);
    const grants: [string, string][] = [
      [bo, 'treasurer'],
      [dee, 'treasurer'],
      [cleo, 'coordinator'],
    ];
    for (const [memberId, role] of grants) {
      await h.publish(RoleGrantedV1, `pod-roles:${podA}:${podA}`, podA, {
        podId: podA,
        termId: randomUUID(),
        memberId,
        role,
        termStart: '2026-01-01T00:00:00.000Z',
        termEnd: '2027-01-01T00:00:00.000Z',
        consecutiveTerms: 1,
        via: 'grant',
      });
    }
    await waitFor(async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_role_holders'))[0]!.n === 3, {
      description: 'funds to know the treasurers and the coordinator',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await h.adminQuery<{ n: number }>(`select count(*)::int as n from accounts where kind = 'community-time-pool'`))[0]!.n === 2, {
      description: 'both pods to have their community pool',
      timeoutMs: 20_000,
    });
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  const as = (name: string, podId = podA) => h.sut.token(`person-${name}`, podId, ['member']);

  async function ok<T = Record<string, unknown>>(who: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await h.sut.graphql<T>(await as(who), query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  const counts = async () =>
    (
      await h.adminQuery<{ events: number; transfers: number; texts: number }>(
        'select (select count(*)::int from mutuo_events) as events, (select count(*)::int from transfers) as transfers, (select count(*)::int from funds_personal_texts) as texts',
      )
    )[0]!;

  /** The first error's code and field, after checking that nothing at all was written. */
  async function refused(who: string, query: string, variables: Record<string, unknown>) {
    const before = await counts();
    const { errors } = await h.sut.graphql(await as(who), query, variables);
    expect(await counts()).toEqual(before);
    return { code: errors?.[0]?.extensions?.code, field: errors?.[0]?.extensions?.field };
  }

  const balance = async (kind: string, podId = podA, memberId: string | null = null) =>
    Number(
      (
        await h.adminQuery<{ balance_minor: string }>(
          'select balance_minor from accounts where pod_id = $1 and kind = $2 and ($3::uuid is null or member_id = $3::uuid)',
          [podId, kind, memberId],
        )
      )[0]?.balance_minor ?? 0,
    );

  const CONTRIBUTE = 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id amountMinor feeMinor transferId feeTransferId } }';
  const PROPOSAL =
    'id status route approvalsRequired overBudget reason rejectionReason processorReference amountMinor proposedBy { formerMember member { id } } approvals { member { id } }';
  const PROPOSE = `mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { ${PROPOSAL} } }`;
  const APPROVE = `mutation($id: ID!) { approveDisbursement(proposalId: $id) { ${PROPOSAL} } }`;
  const PAY = `mutation($id: ID!) { payDisbursement(proposalId: $id) { ${PROPOSAL} } }`;
  const REJECT = `mutation($input: RejectDisbursementInput!) { rejectDisbursement(input: $input) { ${PROPOSAL} } }`;
  const donation = {
    currency: 'EUR',
    amountMinor: 10_000,
    feeMinor: 320,
    method: 'card',
    sourceKind: 'individual',
    processorReference: 'ch_1',
    anonymous: false,
    donorName: 'Rosa Lima',
    showNamePublicly: true,
  };

  it('records a donation with the processor fee as a transfer of its own, and the same contribution id once', async () => {
    const contributionId = randomUUID();
    const { recordContribution } = await ok<{ recordContribution: { feeTransferId: string } }>('bo', CONTRIBUTE, { input: { ...donation, contributionId } });
    expect(recordContribution.feeTransferId).toBeTruthy();
    await ok('bo', CONTRIBUTE, { input: { ...donation, contributionId } });

    expect(await balance('treasury')).toBe(9_680);
    expect(await balance('fees')).toBe(320);
    expect(await balance('external-source')).toBe(-10_000);
    const { transfers } = await ok<{ transfers: { edges: { node: { kind: string; amountMinor: number } }[] } }>(
      'ana',
      '{ transfers(first: 10) { edges { node { kind amountMinor } } } }',
    );
    expect(transfers.edges.map((edge) => edge.node)).toEqual([
      { kind: 'PROCESSOR_FEE', amountMinor: 320 },
      { kind: 'CONTRIBUTION', amountMinor: 10_000 },
    ]);
  });

  it('refuses zero, negative and fractional amounts and a currency the treasury is not kept in, naming the field and posting nothing', async () => {
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, amountMinor: 0 } })).toEqual({ code: 'AMOUNT_NOT_POSITIVE', field: 'amountMinor' });
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, amountMinor: 99.5 } })).toEqual({ code: 'FRACTIONAL_MINOR_UNIT', field: 'amountMinor' });
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, currency: 'HOUR' } })).toEqual({ code: 'UNIT_MISMATCH', field: 'currency' });
    const proposal = { currency: 'EUR', amountMinor: 1_000, category: 'groceries', reason: 'Food for the week' };
    expect(await refused('ana', PROPOSE, { input: { ...proposal, amountMinor: -100 } })).toEqual({ code: 'AMOUNT_NOT_POSITIVE', field: 'amountMinor' });
    expect(await refused('ana', PROPOSE, { input: { ...proposal, currency: 'USD' } })).toEqual({ code: 'UNIT_MISMATCH', field: 'currency' });
    expect(await refused('ana', CONTRIBUTE, { input: donation })).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
  });

  it('refuses control characters and invisible-only names and reasons, naming the field and writing nothing', async () => {
    const proposal = { currency: 'EUR', amountMinor: 1_000, category: 'groceries', reason: 'Food for the week' };
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, donorName: 'Rosa\u0000Lima' } })).toEqual({
      code: 'INVALID_TEXT',
      field: 'input.donorName',
    });
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, donorName: '\u200B\u2060\u3164' } })).toEqual({ code: 'INVALID_TEXT', field: 'donorName' });
    expect(await refused('bo', CONTRIBUTE, { input: { ...donation, processorReference: 'ch_1\u001B' } })).toEqual({
      code: 'INVALID_TEXT',
      field: 'input.processorReference',
    });
    expect(await refused('ana', PROPOSE, { input: { ...proposal, reason: 'Food\u0008 for the week' } })).toEqual({
      code: 'INVALID_TEXT',
      field: 'input.reason',
    });
    expect(await refused('ana', PROPOSE, { input: { ...proposal, reason: '\u00AD\u200D' } })).toEqual({ code: 'INVALID_TEXT', field: 'reason' });
    expect(await refused('ana', PROPOSE, { input: { ...proposal, reason: 'x'.repeat(1001) } })).toEqual({ code: 'TEXT_TOO_LONG', field: 'reason' });
  });

  it('needs two treasurers other than the proposer, refuses approving twice or paying early, then pays through the processor', async () => {
    const proposalId = randomUUID();
    const { proposeDisbursement } = await ok<{ proposeDisbursement: { status: string; route: string; approvalsRequired: number } }>('ana', PROPOSE, {
      input: {
        proposalId,
        requestId: randomUUID(),
        recipientMemberId: ana,
        currency: 'EUR',
        amountMinor: 3_000,
        category: 'groceries',
        reason: 'Groceries for Cy',
      },
    });
    expect(proposeDisbursement).toMatchObject({ status: 'PROPOSED', route: 'TREASURER_APPROVALS', approvalsRequired: 2 });

    expect(await refused('ana', APPROVE, { id: proposalId })).toEqual({ code: 'OWN_PROPOSAL', field: 'proposalId' });
    expect(await refused('bo', PAY, { id: proposalId })).toEqual({ code: 'NOT_APPROVED', field: 'proposalId' });
    expect((await ok<{ approveDisbursement: { status: string } }>('bo', APPROVE, { id: proposalId })).approveDisbursement.status).toBe('PROPOSED');
    expect(await refused('bo', APPROVE, { id: proposalId })).toEqual({ code: 'ALREADY_APPROVED', field: 'proposalId' });
    expect((await ok<{ approveDisbursement: { status: string } }>('dee', APPROVE, { id: proposalId })).approveDisbursement.status).toBe('APPROVED');

    const { payDisbursement } = await ok<{ payDisbursement: { status: string; processorReference: string } }>('bo', PAY, { id: proposalId });
    expect(payDisbursement.status).toBe('PAID');
    expect(payDisbursement.processorReference).toMatch(/^sandbox_po_/);
    expect(await balance('treasury')).toBe(6_680);
    expect(await balance('external-sink')).toBe(3_000);
  });

  it('pays exactly one of two disbursements racing for the last of the treasury; the other is refused for insufficient funds', async () => {
    const ids = [randomUUID(), randomUUID()];
    for (const proposalId of ids) {
      const { proposeDisbursement } = await ok<{ proposeDisbursement: { status: string } }>('ana', PROPOSE, {
        input: { proposalId, currency: 'EUR', amountMinor: 5_000, category: 'medical', reason: 'Pharmacy, urgent', emergency: true },
      });
      expect(proposeDisbursement.status).toBe('APPROVED');
    }
    const [first, second] = await Promise.all(ids.map(async (id) => h.sut.graphql<{ payDisbursement: { status: string } }>(await as('bo'), PAY, { id })));
    const outcomes = [first!, second!].map((result) => result.data?.payDisbursement.status ?? result.errors?.[0]?.extensions?.code).sort();
    expect(outcomes).toEqual(['INSUFFICIENT_FUNDS', 'PAID']);
    expect(await balance('treasury')).toBe(1_680);
  });

  it('says when a proposal goes over the month budget, and rejects with a reason', async () => {
    await ok('cleo', 'mutation { setMonthlyBudget(input: { category: "groceries", amountMinor: 5000 }) { monthlyBudgets { category amountMinor } } }');
    await waitFor(
      async () => (await h.adminQuery<{ n: number }>(`select count(*)::int as n from disbursement_proposals where category = 'groceries'`))[0]!.n === 1,
      {
        description: 'the paid groceries proposal to count toward the budget',
      },
    );
    const proposalId = randomUUID();
    const { proposeDisbursement } = await ok<{ proposeDisbursement: { overBudget: boolean } }>('ana', PROPOSE, {
      input: { proposalId, currency: 'EUR', amountMinor: 2_500, category: 'groceries', reason: 'More groceries' },
    });
    expect(proposeDisbursement.overBudget).toBe(true);
    const [exceeded] = await h.adminQuery<{ publish_subject: string; data: { committedMinor: number; month: string } }>(
      `select publish_subject, data from mutuo_events where type = 'BudgetExceeded'`,
    );
    expect(exceeded).toMatchObject({ data: { committedMinor: 5_500, month } });
    expect(exceeded!.publish_subject).toContain('funds.budget-exceeded.v1');

    const { rejectDisbursement } = await ok<{ rejectDisbursement: { status: string; rejectionReason: string } }>('dee', REJECT, {
      input: { proposalId, reason: 'Over budget this month' },
    });
    expect(rejectDisbursement).toMatchObject({ status: 'REJECTED', rejectionReason: 'Over budget this month' });
  });

  /** A request of Ana's, fulfilled by the given helpers with the minutes each gave. */
  const anaAskedFor = (requestId: string, fulfilmentId: string, contributions: { helperMemberId: string; minutes: number }[]) => ({
    requestId,
    podId: podA,
    fulfilmentId,
    requesterMemberId: ana,
    helperMemberIds: contributions.map((contribution) => contribution.helperMemberId),
    contributions,
    hoursGivenMinutes: contributions.reduce((sum, contribution) => sum + contribution.minutes, 0),
    confirmedBy: 'requester' as const,
    confirmedByMemberId: ana,
    category: 'groceries',
    postedAt: '2026-11-20T09:00:00.000Z',
    firstMatchedAt: '2026-11-20T10:00:00.000Z',
    fulfilledAt: new Date().toISOString(),
  });

  /** Publishes the same fulfilment twice (a redelivery) and waits until funds handled both. */
  async function deliverTwice(fulfilled: ReturnType<typeof anaAskedFor>): Promise<void> {
    const stream = `request:${podA}:${fulfilled.requestId}`;
    const deliveries = [await h.publish(RequestFulfilledV1, stream, podA, fulfilled), await h.publish(RequestFulfilledV1, stream, podA, fulfilled)];
    await waitFor(
      async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from mutuo_inbox where event_id = any($1::uuid[])', [deliveries]))[0]!.n === 2,
      {
        description: 'both deliveries to be handled',
      },
    );
  }

  /** Cleo, a coordinator, undoes a fulfilment confirmed by mistake. */
  const undo = (requestId: string, fulfilmentId: string) =>
    h.publish(RequestFulfilmentReversedV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      fulfilmentId,
      reversedByMemberId: cleo,
      reason: 'Confirmed by mistake',
      reversedAt: new Date().toISOString(),
    });

  it('credits hours for a fulfilment once even when it is delivered twice, and reverses them when it is undone', async () => {
    const requestId = randomUUID();
    const fulfilmentId = randomUUID();
    await deliverTwice(anaAskedFor(requestId, fulfilmentId, [{ helperMemberId: bo, minutes: 90 }]));
    expect(await balance('member-time', podA, bo)).toBe(90);
    expect(await balance('member-time', podA, ana)).toBe(-90);
    expect((await h.adminQuery<{ n: number }>('select count(*)::int as n from transfers where request_id = $1', [requestId]))[0]!.n).toBe(1);

    await undo(requestId, fulfilmentId);
    await waitFor(async () => (await balance('member-time', podA, bo)) === 0, { description: 'the hours to be reversed' });
    expect(await balance('member-time', podA, ana)).toBe(0);
    const { _entities } = await ok<{ _entities: { hoursGivenMinutes: number; timeTransfers: { kind: string }[] }[] }>(
      'ana',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Request { hoursGivenMinutes timeTransfers { kind } } } }',
      { r: [{ __typename: 'Request', id: requestId }] },
    );
    expect(_entities[0]).toEqual({ hoursGivenMinutes: 0, timeTransfers: [{ kind: 'TIME_EXCHANGE' }, { kind: 'REVERSAL' }] });
  });

  it('posts a fulfilment with several helpers as one batch: each helper credited their own minutes, once', async () => {
    const requestId = randomUUID();
    const fulfilmentId = randomUUID();
    await deliverTwice(
      anaAskedFor(requestId, fulfilmentId, [
        { helperMemberId: bo, minutes: 60 },
        { helperMemberId: dee, minutes: 45 },
      ]),
    );
    expect(await balance('member-time', podA, bo)).toBe(60);
    expect(await balance('member-time', podA, dee)).toBe(45);
    expect(await balance('member-time', podA, ana)).toBe(-105);
    expect((await h.adminQuery<{ n: number }>('select count(*)::int as n from transfers where request_id = $1', [requestId]))[0]!.n).toBe(2);

    await undo(requestId, fulfilmentId);
    await waitFor(async () => (await balance('member-time', podA, dee)) === 0 && (await balance('member-time', podA, bo)) === 0, {
      description: "both helpers' hours to be reversed",
    });
    expect(await balance('member-time', podA, ana)).toBe(0);
  });

  it('clears hours between pods when the helper lives in another pod; the region nets to zero', async () => {
    const requestId = randomUUID();
    await h.publish(MatchMadeV1, `match:${podA}:${requestId}`, podA, {
      matchId: randomUUID(),
      requestId,
      podId: podA,
      offerId: null,
      suggestionId: randomUUID(),
      requesterMemberId: ana,
      requesterPodId: podA,
      helperMemberId: hugo,
      helperPodId: podB,
      crossPod: true,
      via: 'confirmed',
      matchedAt: new Date().toISOString(),
    });
    await waitFor(
      async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from request_helper_pods where request_id = $1', [requestId]))[0]!.n === 1,
      {
        description: 'funds to note the helper pod',
      },
    );
    await h.publish(RequestFulfilledV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      fulfilmentId: randomUUID(),
      requesterMemberId: ana,
      helperMemberIds: [hugo],
      contributions: [],
      hoursGivenMinutes: 60,
      confirmedBy: 'requester',
      confirmedByMemberId: ana,
      category: 'transport',
      postedAt: '2026-11-20T09:00:00.000Z',
      firstMatchedAt: null,
      fulfilledAt: new Date().toISOString(),
    });
    await waitFor(async () => (await balance('member-time', podB, hugo)) === 60, { description: 'the helper in the other pod to be credited' });
    expect(await balance('member-time', podA, ana)).toBe(-60);

    const { clearingPosition } = await ok<{ clearingPosition: { lines: unknown[]; netMinutes: number; pods: { podId: string; netOwedMinutes: number }[] } }>(
      'ana',
      '{ clearingPosition { regionId lines { podId counterpartyPodId owedMinutes } pods { podId netOwedMinutes } netMinutes } }',
    );
    expect(clearingPosition.netMinutes).toBe(0);
    expect(clearingPosition.lines).toEqual(
      expect.arrayContaining([
        { podId: podA, counterpartyPodId: podB, owedMinutes: 60 },
        { podId: podB, counterpartyPodId: podA, owedMinutes: -60 },
      ]),
    );
  });

  it('takes gifts of hours into the community pool and grants pool hours only as the pod allows', async () => {
    const GIFT = 'mutation($input: GiftHoursInput!) { giftHoursToPool(input: $input) { id kind amountMinor } }';
    const GRANT = 'mutation($input: GrantPoolHoursInput!) { grantPoolHours(input: $input) { id kind amountMinor } }';
    expect((await ok<{ giftHoursToPool: { kind: string } }>('dee', GIFT, { input: { minutes: 120 } })).giftHoursToPool).toMatchObject({
      kind: 'TIME_GIFT',
      amountMinor: 120,
    });
    expect(await balance('community-time-pool')).toBe(120);
    expect(await refused('ana', GRANT, { input: { memberId: ana, minutes: 60 } })).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
    expect(await refused('cleo', GRANT, { input: { memberId: ana, minutes: 601 } })).toEqual({ code: 'POOL_GRANT_TOO_LARGE', field: 'minutes' });
    expect(await refused('cleo', GRANT, { input: { memberId: ana, minutes: 121 } })).toEqual({ code: 'INSUFFICIENT_HOURS', field: 'amountMinor' });
    expect(await refused('dee', GIFT, { input: { minutes: 7.5 } })).toEqual({ code: 'FRACTIONAL_MINOR_UNIT', field: 'minutes' });
    // Transfer ids are unique across pods too: another pod's id is refused, not silently ignored.
    const [otherPods] = await h.adminQuery<{ id: string }>('select id from transfers where pod_id = $1 limit 1', [podB]);
    expect(await refused('dee', GIFT, { input: { minutes: 10, transferId: otherPods!.id } })).toEqual({ code: 'TRANSFER_ID_REUSED', field: 'transferId' });
    await ok('cleo', GRANT, { input: { memberId: ana, minutes: 60 } });
    expect(await balance('community-time-pool')).toBe(60);
  });

  it('fixes a mistake with a reversing transfer that references the original, once', async () => {
    const GIFT = 'mutation($input: GiftHoursInput!) { giftHoursToPool(input: $input) { id } }';
    const REVERSE = 'mutation($input: ReverseTransferInput!) { reverseTransfer(input: $input) { id kind amountMinor reversesTransferId } }';
    const { giftHoursToPool } = await ok<{ giftHoursToPool: { id: string } }>('bo', GIFT, { input: { minutes: 30 } });
    expect(await refused('ana', REVERSE, { input: { transferId: giftHoursToPool.id } })).toEqual({ code: 'FORBIDDEN', field: undefined });
    const { reverseTransfer } = await ok<{ reverseTransfer: { id: string } }>('cleo', REVERSE, { input: { transferId: giftHoursToPool.id } });
    expect(reverseTransfer).toMatchObject({ kind: 'REVERSAL', amountMinor: 30, reversesTransferId: giftHoursToPool.id });
    // Asked again, the same reversal comes back; a reversal under another id is refused.
    expect((await ok<{ reverseTransfer: { id: string } }>('cleo', REVERSE, { input: { transferId: giftHoursToPool.id } })).reverseTransfer.id).toBe(
      reverseTransfer.id,
    );
    expect(await refused('cleo', REVERSE, { input: { transferId: giftHoursToPool.id, reversalTransferId: randomUUID() } })).toEqual({
      code: 'ALREADY_REVERSED',
      field: 'transferId',
    });
    expect(await refused('cleo', REVERSE, { input: { transferId: reverseTransfer.id } })).toEqual({ code: 'REVERSAL_NOT_REVERSIBLE', field: 'transferId' });
    expect(await balance('member-time', podA, bo)).toBe(0);
  });

  it('publishes a report anyone can read without an account, whose totals equal the ledger, as JSON and CSV', async () => {
    const base = `${h.sut.service.url}/public/funds/pods/${podA}/reports/${month}`;
    const response = await fetch(`${base}.json`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      money: { totalInMinor: number; feesMinor: number; balanceMinor: number; totalOutMinor: number }[];
      namedDonors: { name: string }[];
      hours: { exchangedMinutes: number };
    };
    const [ledger] = await h.adminQuery<{ money_in: string; fees: string; money_out: string }>(
      `select (select coalesce(sum(amount_minor), 0) from transfers where pod_id = $1 and kind = 'contribution')::text as money_in,
              (select coalesce(sum(amount_minor), 0) from transfers where pod_id = $1 and kind = 'processor-fee')::text as fees,
              (select coalesce(sum(amount_minor), 0) from transfers where pod_id = $1 and kind = 'disbursement')::text as money_out`,
      [podA],
    );
    expect(report.money).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        totalInMinor: Number(ledger!.money_in),
        feesMinor: Number(ledger!.fees),
        totalOutMinor: Number(ledger!.money_out),
        balanceMinor: await balance('treasury'),
      }),
    ]);
    expect(report.hours.exchangedMinutes).toBe(60);
    expect(report.namedDonors.map((donor) => donor.name)).toEqual(['Rosa Lima']);

    const csv = await fetch(`${base}.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain(`fees,processor,EUR,${ledger!.fees}\r\n`);

    const bad = await fetch(`${h.sut.service.url}/public/funds/pods/${podA}/reports/last-month.json`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.objectContaining({ code: 'INVALID_PERIOD', field: 'period' }) });
    const unknown = await fetch(`${h.sut.service.url}/public/funds/pods/${randomUUID()}/reports/${month}.json`);
    expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).toEqual([404, 'POD_NOT_FOUND']);
    const notAnId = await fetch(`${h.sut.service.url}/public/funds/pods/1%27%20or%201=1/reports/${month}.csv`);
    expect([notAnId.status, ((await notAnId.json()) as { error: { field: string } }).error.field]).toEqual([400, 'podId']);
  });

  it('traces a report figure to the transfers behind it, for coordinators', async () => {
    const { fundsReportTrace } = await ok<{ fundsReportTrace: { kind: string; amountMinor: number }[] }>(
      'cleo',
      `{ fundsReportTrace(period: "${month}", figure: "fees:EUR") { kind amountMinor } }`,
    );
    expect(fundsReportTrace).toEqual([{ kind: 'PROCESSOR_FEE', amountMinor: 320 }]);
    const trace = async (figure: string) =>
      (
        await ok<{ fundsReportTrace: { kind: string; amountMinor: number }[] }>(
          'cleo',
          `{ fundsReportTrace(period: "${month}", figure: "${figure}") { kind amountMinor } }`,
        )
      ).fundsReportTrace;
    // The overhead's transfers: everything that left the treasury (two payouts) and the fee.
    expect((await trace('admin-overhead:EUR')).map((t) => t.kind).sort()).toEqual(['DISBURSEMENT', 'DISBURSEMENT', 'PROCESSOR_FEE']);
    // Nobody both gave and received hours that still stand this month (Bo's were reversed; Hugo only gave, Ana only received).
    expect(await trace('people-gave-and-received')).toEqual([]);
    expect(await refused('ana', `{ fundsReportTrace(period: "${month}", figure: "fees:EUR") { kind } }`, {})).toEqual({ code: 'FORBIDDEN', field: undefined });
  });

  it('when a member is erased, keeps every amount but deletes what they wrote and shows them as a former member', async () => {
    const before = await h.adminQuery<{ total: string }>('select sum(amount_minor)::text as total from transfers');
    await h.publish(MemberErasedV1, `member:${podA}:${ana}`, podA, { memberId: ana, podId: podA, erasedAt: new Date().toISOString() });
    await waitFor(async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_former_members'))[0]!.n === 1, {
      description: 'the erasure to be handled',
    });

    const { disbursementProposals } = await ok<{ disbursementProposals: { reason: string | null; proposedBy: { formerMember: boolean; member: unknown } }[] }>(
      'bo',
      `{ disbursementProposals { ${PROPOSAL} } }`,
    );
    expect(disbursementProposals.length).toBeGreaterThan(0);
    for (const proposal of disbursementProposals) expect(proposal).toMatchObject({ reason: null, proposedBy: { formerMember: true, member: null } });
    expect((await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_personal_texts where author_member_id = $1', [ana]))[0]!.n).toBe(0);
    expect(await h.adminQuery('select sum(amount_minor)::text as total from transfers')).toEqual(before);
  });

  it('rebuilds the ledger tables from the events alone to the same balances', async () => {
    const snapshot = () =>
      h.adminQuery<{ id: string; balance_minor: string; debits_minor: string; credits_minor: string }>(
        'select id, balance_minor, debits_minor, credits_minor from accounts order by id',
      );
    const before = await snapshot();
    const transfers = await h.adminQuery('select id, amount_minor, debit_account_id, credit_account_id from transfers order by id');
    await h.sut.service.projections.rebuild('ledger');
    // The service's own runner may take over the replay (only one replica applies a batch at a time): wait for it.
    await waitFor(async () => JSON.stringify(await snapshot()) === JSON.stringify(before), {
      description: 'the replay to reach the same balances',
      timeoutMs: 15_000,
    });
    expect(await h.adminQuery('select id, amount_minor, debit_account_id, credit_account_id from transfers order by id')).toEqual(transfers);
  });

  it('has the database refuse, on its own, an overdraft, a unit mismatch, a second reversal and any change to a posted transfer', async () => {
    const accounts = await h.adminQuery<{ id: string; kind: string; unit: string }>(`select id, kind, unit from accounts where pod_id = $1`, [podA]);
    const of = (kind: string) => accounts.find((account) => account.kind === kind)!.id;
    const insert = (amount: number, debit: string, credit: string, unit = 'EUR', kind = 'disbursement', reverses: string | null = null) =>
      h.adminQuery(
        `insert into transfers (id, pod_id, unit, amount_minor, debit_account_id, credit_account_id, kind, reverses_transfer_id, posted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [randomUUID(), podA, unit, amount, debit, credit, kind, reverses],
      );
    await expect(insert(1_000_000, of('treasury'), of('external-sink'))).rejects.toThrow(/accounts_balance_above_floor/);
    await expect(insert(10, of('treasury'), of('community-time-pool'))).rejects.toThrow(/mixes units/);
    await expect(insert(0, of('treasury'), of('external-sink'))).rejects.toThrow(/transfers_amount_positive/);
    const [reversed] = await h.adminQuery<{ reverses_transfer_id: string; debit_account_id: string; credit_account_id: string; amount_minor: string }>(
      `select reverses_transfer_id, debit_account_id, credit_account_id, amount_minor from transfers where kind = 'reversal' limit 1`,
    );
    await expect(
      insert(Number(reversed!.amount_minor), reversed!.debit_account_id, reversed!.credit_account_id, 'HOUR', 'reversal', reversed!.reverses_transfer_id),
    ).rejects.toThrow(/transfers_one_reversal_each/);
    await expect(h.adminQuery(`update transfers set amount_minor = amount_minor + 1`)).rejects.toThrow(/immutable/);
    await expect(h.adminQuery(`delete from transfers`)).rejects.toThrow(/immutable/);
  });
});
