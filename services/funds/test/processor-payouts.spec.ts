import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RoleGrantedV1, memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

/** Payouts through the payout processor (the sandbox, development's default): a decline is on record, a payment reverses. */
describe('disbursement payouts through the processor (real PostgreSQL and NATS)', () => {
  let h: FundsHarness;
  const podId = randomUUID();
  const [ana, bo] = ['ana', 'bo'].map((name) => memberIdFor(podId, `person-${name}`)) as [string, string];
  const DECLINED = 99_999_999; // SandboxPayoutProcessor.DECLINED_AMOUNT_MINOR

  beforeAll(async () => {
    h = await startFunds('funds_processor_payouts');
    await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
      podId,
      regionId: randomUUID(),
      name: 'Graça',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    await joinMembers(
      h,
      [ana, bo].map((memberId) => ({ memberId, podId })),
    );
    await h.publish(RoleGrantedV1, `pod-roles:${podId}:${podId}`, podId, {
      podId,
      termId: randomUUID(),
      memberId: bo,
      role: 'treasurer',
      termStart: '2026-01-01T00:00:00.000Z',
      termEnd: '2028-01-01T00:00:00.000Z',
      consecutiveTerms: 1,
      via: 'grant',
    });
    await waitFor(async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_role_holders'))[0]!.n === 1, {
      description: 'funds to know the treasurer',
      timeoutMs: 20_000,
    });
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  async function ok<T>(who: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await h.sut.graphql<T>(await h.sut.token(`person-${who}`, podId, ['member']), query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }
  const treasury = async () =>
    Number((await h.adminQuery<{ b: string }>(`select balance_minor::text as b from accounts where pod_id = $1 and kind = 'treasury'`, [podId]))[0]?.b ?? 0);
  const emergency = async (amountMinor: number) =>
    (
      await ok<{ proposeDisbursement: { id: string; status: string } }>(
        'ana',
        'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id status } }',
        { input: { currency: 'EUR', amountMinor, category: 'medical', reason: 'Pharmacy', emergency: true } },
      )
    ).proposeDisbursement;
  const PAYOUT = 'status payout { status attempt method lastFailure externalReference }';

  it('keeps a declined payout on record with nothing posted, and reverses a paid one back into the treasury', async () => {
    await ok('bo', 'mutation($input: SetFundsPolicyInput!) { setFundsPolicy(input: $input) { currency } }', {
      input: { autoApproveUpToMinor: 100_000_000, podDecisionAboveMinor: 100_000_000 },
    });
    await ok('bo', 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }', {
      input: { currency: 'EUR', amountMinor: 100_000_000, feeMinor: 0, method: 'bank-transfer', sourceKind: 'grant', anonymous: true },
    });

    const declined = await emergency(DECLINED);
    expect(declined.status).toBe('APPROVED');
    const transfersBefore = (await h.adminQuery('select id from transfers')).length;
    const { errors } = await h.sut.graphql(
      await h.sut.token('person-bo', podId, ['member']),
      `mutation($id: ID!) { payDisbursement(proposalId: $id) { id } }`,
      {
        id: declined.id,
      },
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'PAYOUT_DECLINED' });
    expect([await treasury(), (await h.adminQuery('select id from transfers')).length]).toEqual([100_000_000, transfersBefore]);
    const onRecord = await waitFor(
      async () => {
        const { disbursementProposal } = await ok<{ disbursementProposal: { status: string; payout: Record<string, unknown> | null } }>(
          'ana',
          `query($id: ID!) { disbursementProposal(id: $id) { ${PAYOUT} } }`,
          { id: declined.id },
        );
        return disbursementProposal.payout ? disbursementProposal : undefined;
      },
      { description: 'the decline to reach the read model', timeoutMs: 20_000 },
    );
    expect(onRecord).toEqual({
      status: 'APPROVED',
      payout: { status: 'UNPAID', attempt: 1, method: null, lastFailure: 'DECLINED_BY_PROCESSOR', externalReference: null },
    });

    const medicine = await emergency(3_000);
    const { payDisbursement } = await ok<{ payDisbursement: { status: string; payout: { status: string; method: string; externalReference: string } } }>(
      'bo',
      `mutation($id: ID!) { payDisbursement(proposalId: $id) { ${PAYOUT} } }`,
      { id: medicine.id },
    );
    expect(payDisbursement).toMatchObject({
      status: 'PAID',
      payout: { status: 'PAID', method: 'PROCESSOR', externalReference: expect.stringMatching(/^sandbox_po_/) },
    });
    expect(await treasury()).toBe(100_000_000 - 3_000);
    const { reverseDisbursementPayout } = await ok<{ reverseDisbursementPayout: { status: string } }>(
      'bo',
      `mutation($input: ReverseDisbursementPayoutInput!) { reverseDisbursementPayout(input: $input) { ${PAYOUT} } }`,
      { input: { proposalId: medicine.id, reason: 'RECORDED_IN_ERROR' } },
    );
    expect(reverseDisbursementPayout.status).toBe('REVERSED');
    expect(await treasury()).toBe(100_000_000);
  });
});
