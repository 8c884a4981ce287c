import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RoleGrantedV1, memberIdFor } from '@mutuo/contracts';
import { ConfigError } from '@mutuo/platform';
import { startServiceUnderTest, waitFor } from '@mutuo/testing';
import { fundsService } from '../src/funds.service';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

/**
 * Payouts as a pod without a payment processor makes them (production's default, FUNDS_PAYOUT_PROCESSOR=manual):
 * treasurers pay outside the platform and record it, a second treasurer confirms, a failure posts nothing, a reversal
 * posts the mirror, and every account of the ledger still adds up.
 */
describe('disbursement payouts recorded by treasurers (real PostgreSQL and NATS)', () => {
  let h: FundsHarness;
  const podId = randomUUID();
  const [ana, bo, dee] = ['ana', 'bo', 'dee'].map((name) => memberIdFor(podId, `person-${name}`)) as [string, string, string];
  const month = new Date().toISOString().slice(0, 7);
  const proof = 'c0ffee'.padEnd(64, '0');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();

  beforeAll(async () => {
    h = await startFunds('funds_payouts', { FUNDS_PAYOUT_PROCESSOR: 'manual' });
    await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    await joinMembers(
      h,
      [ana, bo, dee].map((memberId) => ({ memberId, podId })),
    );
    for (const memberId of [bo, dee]) {
      await h.publish(RoleGrantedV1, `pod-roles:${podId}:${podId}`, podId, {
        podId,
        termId: randomUUID(),
        memberId,
        role: 'treasurer',
        termStart: '2026-01-01T00:00:00.000Z',
        termEnd: '2028-01-01T00:00:00.000Z',
        consecutiveTerms: 1,
        via: 'grant',
      });
    }
    await waitFor(async () => (await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_role_holders'))[0]!.n === 2, {
      description: 'funds to know both treasurers',
      timeoutMs: 20_000,
    });
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  const as = (name: string) => h.sut.token(`person-${name}`, podId, ['member']);
  async function ok<T>(who: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const { data, errors } = await h.sut.graphql<T>(await as(who), query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }
  const counts = async () =>
    (
      await h.adminQuery<{ events: number; transfers: number }>(
        'select (select count(*)::int from mutuo_events) as events, (select count(*)::int from transfers) as transfers',
      )
    )[0]!;
  /** The first error's code and field, after checking that nothing at all was written. */
  async function refused(who: string, query: string, variables: Record<string, unknown>) {
    const before = await counts();
    const { errors } = await h.sut.graphql(await as(who), query, variables);
    expect(await counts()).toEqual(before);
    return { code: errors?.[0]?.extensions?.code, field: errors?.[0]?.extensions?.field };
  }
  const balance = async (kind: string) =>
    Number((await h.adminQuery<{ b: string }>('select balance_minor::text as b from accounts where pod_id = $1 and kind = $2', [podId, kind]))[0]?.b ?? 0);

  const PROPOSAL =
    'id status payout { status attempt method externalReference proofSha256 lastFailure confirmationsRequired transferId reversalTransferId reversalReason recordedBy { member { id } } confirmedBy { member { id } } }';
  type Proposal = {
    id: string;
    status: string;
    payout: {
      status: string;
      attempt: number;
      method: string | null;
      externalReference: string | null;
      proofSha256: string | null;
      lastFailure: string | null;
      confirmationsRequired: number | null;
      transferId: string | null;
      reversalTransferId: string | null;
      reversalReason: string | null;
      recordedBy: { member: { id: string } } | null;
      confirmedBy: { member: { id: string } }[];
    } | null;
  };
  const RECORD = `mutation($input: RecordDisbursementPayoutInput!) { recordDisbursementPayout(input: $input) { ${PROPOSAL} } }`;
  const CONFIRM = `mutation($id: ID!) { confirmDisbursementPayout(proposalId: $id) { ${PROPOSAL} } }`;
  const FAIL = `mutation($input: RecordDisbursementPayoutFailureInput!) { recordDisbursementPayoutFailure(input: $input) { ${PROPOSAL} } }`;
  const REVERSE = `mutation($input: ReverseDisbursementPayoutInput!) { reverseDisbursementPayout(input: $input) { ${PROPOSAL} } }`;
  const PAY = `mutation($id: ID!) { payDisbursement(proposalId: $id) { id } }`;

  async function approvedProposal(amountMinor: number, approvers = ['bo', 'dee']): Promise<string> {
    const proposalId = randomUUID();
    await ok('ana', 'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id } }', {
      input: { proposalId, recipientMemberId: ana, currency: 'EUR', amountMinor, category: 'groceries', reason: 'Groceries for Cy' },
    });
    for (const treasurer of approvers) await ok(treasurer, 'mutation($id: ID!) { approveDisbursement(proposalId: $id) { id } }', { id: proposalId });
    return proposalId;
  }

  it('records a payout made outside the platform, confirmed by a second treasurer; a failure posts nothing; a reversal posts the mirror', async () => {
    await ok('bo', 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }', {
      input: {
        currency: 'EUR',
        amountMinor: 10_000,
        feeMinor: 0,
        method: 'bank-transfer',
        sourceKind: 'individual',
        processorReference: 'IBAN-in-1',
        anonymous: true,
      },
    });
    const proposalId = await approvedProposal(3_000);
    const bankTransfer = {
      proposalId,
      method: 'BANK_TRANSFER',
      externalReference: 'SEPA 0042',
      proofSha256: proof,
      proofReference: 'receipts/0042.pdf',
      paidAt: yesterday,
    };

    // No processor in this deployment, and only treasurers record, with a proof and a time that has passed.
    expect(await refused('bo', PAY, { id: proposalId })).toEqual({ code: 'NO_PAYOUT_PROCESSOR', field: 'proposalId' });
    expect(await refused('ana', RECORD, { input: bankTransfer })).toEqual({ code: 'NOT_A_TREASURER', field: undefined });
    expect(await refused('bo', RECORD, { input: { ...bankTransfer, proofSha256: 'not-a-hash' } })).toEqual({
      code: 'INVALID_PROOF_HASH',
      field: 'proofSha256',
    });
    expect(await refused('bo', RECORD, { input: { ...bankTransfer, paidAt: '2999-01-01T00:00:00Z' } })).toEqual({ code: 'PAID_AT_IN_FUTURE', field: 'paidAt' });
    expect(await refused('bo', RECORD, { input: { ...bankTransfer, proposalId: 'nope' } })).toEqual({ code: 'INVALID_ID', field: 'proposalId' });

    // Recorded by Bo: awaiting Dee (the default policy wants two approvals); no money has moved on the ledger yet.
    const first = (await ok<{ recordDisbursementPayout: Proposal }>('bo', RECORD, { input: bankTransfer })).recordDisbursementPayout;
    expect(first).toMatchObject({ status: 'APPROVED', payout: { status: 'AWAITING_CONFIRMATION', attempt: 1, confirmationsRequired: 2, transferId: null } });
    const afterFirst = await counts();
    expect((await ok<{ recordDisbursementPayout: Proposal }>('bo', RECORD, { input: bankTransfer })).recordDisbursementPayout.payout!.status).toBe(
      'AWAITING_CONFIRMATION',
    );
    expect(await counts()).toEqual(afterFirst); // a second click records nothing more
    expect(await refused('bo', CONFIRM, { id: proposalId })).toEqual({ code: 'OWN_PAYOUT_RECORD', field: 'proposalId' });
    expect(await balance('treasury')).toBe(10_000);

    // The bank sent it back before it reached anyone: recorded as failed, nothing posted, approved and unpaid again.
    const failed = (await ok<{ recordDisbursementPayoutFailure: Proposal }>('dee', FAIL, { input: { proposalId, failure: 'RETURNED_BY_BANK' } }))
      .recordDisbursementPayoutFailure;
    expect(failed).toMatchObject({ status: 'APPROVED', payout: { status: 'UNPAID', lastFailure: 'RETURNED_BY_BANK' } });
    expect(await balance('treasury')).toBe(10_000);

    // Paid in cash instead, confirmed by Dee: the money leaves the treasury once, however often Dee clicks.
    const cash = { ...bankTransfer, method: 'CASH', externalReference: 'receipt 7', proofReference: null };
    expect((await ok<{ recordDisbursementPayout: Proposal }>('bo', RECORD, { input: cash })).recordDisbursementPayout.payout).toMatchObject({
      status: 'AWAITING_CONFIRMATION',
      attempt: 2,
    });
    const paid = (await ok<{ confirmDisbursementPayout: Proposal }>('dee', CONFIRM, { id: proposalId })).confirmDisbursementPayout;
    expect(paid).toMatchObject({ status: 'PAID', payout: { status: 'PAID', method: 'CASH', externalReference: 'receipt 7', proofSha256: proof } });
    expect(paid.payout!.confirmedBy.map((ref) => ref.member.id)).toEqual([bo, dee]);
    await ok('dee', CONFIRM, { id: proposalId });
    expect([await balance('treasury'), await balance('external-sink')]).toEqual([7_000, 3_000]);
    expect(await refused('dee', FAIL, { input: { proposalId, failure: 'OTHER' } })).toEqual({ code: 'PAYOUT_ALREADY_CONFIRMED', field: 'proposalId' });

    // The recipient gave the money back: a compensating transfer, never an edit; once, however often it is clicked.
    const reversed = (await ok<{ reverseDisbursementPayout: Proposal }>('dee', REVERSE, { input: { proposalId, reason: 'RETURNED_BY_RECIPIENT' } }))
      .reverseDisbursementPayout;
    expect(reversed).toMatchObject({ status: 'REVERSED', payout: { status: 'REVERSED', reversalReason: 'RETURNED_BY_RECIPIENT' } });
    await ok('dee', REVERSE, { input: { proposalId, reason: 'RETURNED_BY_RECIPIENT' } });
    expect([await balance('treasury'), await balance('external-sink')]).toEqual([10_000, 0]);
    const [original] = await h.adminQuery<{ id: string; amount_minor: string }>('select id, amount_minor::text from transfers where id = $1', [
      paid.payout!.transferId,
    ]);
    expect(original!.amount_minor).toBe('3000');
    const mirrors = await h.adminQuery<{ id: string }>('select id from transfers where reverses_transfer_id = $1', [paid.payout!.transferId]);
    expect(mirrors.map((row) => row.id)).toEqual([reversed.payout!.reversalTransferId]);
    expect(await refused('bo', RECORD, { input: cash })).toEqual({ code: 'PAYOUT_REVERSED', field: 'proposalId' });

    // The ledger still adds up: every unit's accounts sum to zero, debits equal credits, every balance equals its transfers.
    const perUnit = await h.adminQuery<{ debits: string; credits: string; balances: string }>(
      'select sum(debits_minor)::text as debits, sum(credits_minor)::text as credits, sum(balance_minor)::text as balances from accounts group by unit',
    );
    for (const row of perUnit) expect([row.balances, row.debits]).toEqual(['0', row.credits]);
    const drifted = await h.adminQuery(
      `select a.id from accounts a
       where a.balance_minor <> coalesce((select sum(amount_minor) from transfers where credit_account_id = a.id), 0)
                              - coalesce((select sum(amount_minor) from transfers where debit_account_id = a.id), 0)`,
    );
    expect(drifted).toEqual([]);

    // The read models and the public report say it as it happened: paid, then reversed.
    await waitFor(
      async () =>
        (await ok<{ disbursementProposal: Proposal }>('ana', `query($id: ID!) { disbursementProposal(id: $id) { ${PROPOSAL} } }`, { id: proposalId }))
          .disbursementProposal.payout?.status === 'REVERSED',
      { description: 'the payout read model to show the reversal', timeoutMs: 20_000 },
    );
    const listed = await ok<{ disbursementProposals: Proposal[] }>('ana', `{ disbursementProposals(status: REVERSED) { ${PROPOSAL} } }`, {});
    expect(listed.disbursementProposals.map((proposal) => proposal.id)).toEqual([proposalId]);
    const report = await (await fetch(`${h.sut.service.url}/public/funds/pods/${podId}/reports/${month}.json`)).json();
    expect((report as { money: unknown[] }).money).toEqual([
      expect.objectContaining({ currency: 'EUR', totalOutMinor: 0, payoutsReversedMinor: 3_000, balanceMinor: 10_000 }),
    ]);
  });

  it('confirms at once when the pod wants one approval, and pays only what the treasury holds', async () => {
    await ok('bo', 'mutation($input: SetFundsPolicyInput!) { setFundsPolicy(input: $input) { treasurerApprovalsRequired } }', {
      input: { treasurerApprovalsRequired: 1 },
    });
    const small = await approvedProposal(4_000, ['bo']);
    const record = (proposalId: string) => ({
      proposalId,
      method: 'OTHER',
      externalReference: `voucher ${proposalId.slice(0, 8)}`,
      proofSha256: proof,
      paidAt: yesterday,
    });
    const paid = (await ok<{ recordDisbursementPayout: Proposal }>('bo', RECORD, { input: record(small) })).recordDisbursementPayout;
    expect(paid).toMatchObject({ status: 'PAID', payout: { status: 'PAID', confirmationsRequired: 1 } });
    expect(await balance('treasury')).toBe(6_000);
    const tooBig = await approvedProposal(9_000, ['bo']);
    expect(await refused('bo', RECORD, { input: record(tooBig) })).toEqual({ code: 'INSUFFICIENT_FUNDS', field: expect.anything() });
  });

  it('does not start with an unknown payout processor, naming the variable', async () => {
    const started = startServiceUnderTest(fundsService, {
      databasePrefix: 'funds_bad_payouts',
      appRole: 'mutuo_funds_app',
      env: { FUNDS_PAYOUT_PROCESSOR: 'stripe' },
    });
    const error = await started.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/FUNDS_PAYOUT_PROCESSOR must be one of manual, sandbox/);
  }, 60_000);
});
