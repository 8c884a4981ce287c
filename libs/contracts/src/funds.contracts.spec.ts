import { ALL_CONTRACTS } from './registry';
import { BudgetExceededV1, ContributionRecordedV1, DisbursementProposedV1, FUNDS_CONTRACTS, TransferPostedV1 } from './funds.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const id = (n: number) => `4d5e6f70-8192-4dbe-af30-4b5c6d7e8f9${n}`;

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('funds contracts', () => {
  it('are registered with the platform', () => {
    for (const contract of FUNDS_CONTRACTS) expect(ALL_CONTRACTS).toContain(contract);
    expect(TransferPostedV1.type).toBe('funds.transfer-posted.v1');
  });

  it('transfer-posted carries whole positive minor units of one unit between two accounts', () => {
    const transfer = {
      transferId: id(1),
      podId,
      unit: 'EUR',
      amountMinor: 2_500,
      debitAccountId: id(2),
      debitAccountKind: 'treasury',
      creditAccountId: id(3),
      creditAccountKind: 'external-sink',
      kind: 'disbursement',
      reversesTransferId: null,
      requestId: null,
      postedAt: '2026-11-25T09:00:00.000Z',
    };
    expect(TransferPostedV1.parse(transfer)).toEqual({ ok: true, data: transfer });
    expect(
      TransferPostedV1.parse({ ...transfer, unit: 'HOUR', kind: 'time-exchange', debitAccountKind: 'member-time', creditAccountKind: 'member-time' }).ok,
    ).toBe(true);
    expect(issuePaths(TransferPostedV1.parse({ ...transfer, unit: 'eur', amountMinor: 12.5, kind: 'gift' }))).toEqual(['unit', 'amountMinor', 'kind']);
    expect(issuePaths(TransferPostedV1.parse({ ...transfer, amountMinor: 0 }))).toEqual(['amountMinor']);
  });

  it('disbursement-proposed says how it will be approved and whether it goes over budget', () => {
    const proposed = {
      proposalId: id(4),
      podId,
      requestId: null,
      proposedByMemberId: id(5),
      recipientMemberId: null,
      currency: 'EUR',
      amountMinor: 4_500,
      category: 'medical',
      route: 'treasurer-approvals',
      approvalsRequired: 2,
      overBudget: false,
      proposedAt: '2026-11-25T09:00:00.000Z',
    };
    expect(DisbursementProposedV1.parse(proposed).ok).toBe(true);
    expect(issuePaths(DisbursementProposedV1.parse({ ...proposed, category: 'yachts', route: 'vibes' }))).toEqual(['category', 'route']);
  });

  it('contribution-recorded and budget-exceeded carry no names, only amounts and kinds', () => {
    const contribution = {
      contributionId: id(6),
      podId,
      currency: 'EUR',
      amountMinor: 10_000,
      feeMinor: 320,
      sourceKind: 'individual',
      method: 'card',
      anonymous: false,
      transferId: id(7),
      feeTransferId: id(8),
      recordedAt: '2026-11-25T09:00:00.000Z',
    };
    expect(ContributionRecordedV1.parse({ ...contribution, donorName: 'Rosa' })).toEqual({ ok: true, data: contribution });
    const exceeded = {
      podId,
      proposalId: id(4),
      category: 'groceries',
      month: '2026-11',
      currency: 'EUR',
      budgetMinor: 5_000,
      committedMinor: 5_500,
      exceededAt: '2026-11-25T09:00:00.000Z',
    };
    expect(BudgetExceededV1.parse(exceeded).ok).toBe(true);
    expect(issuePaths(BudgetExceededV1.parse({ ...exceeded, month: '2026-13' }))).toEqual(['month']);
  });
});
