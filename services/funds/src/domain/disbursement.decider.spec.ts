import { DomainRuleViolation, spec } from '@mutuo/domain';
import { disbursementDecider, type DisbursementEvent, type DisbursementProposed, type ProposeDisbursement } from './disbursement.decider';
import { DEFAULT_FUNDS_POLICY, type FundsPolicy } from './pod-funds-policy.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'person-ana', podId: 'pod-1' };
const eventMetadata = { occurredAt: now, actorId: 'person-ana', podId: 'pod-1' };
const policy: FundsPolicy = { ...DEFAULT_FUNDS_POLICY, autoApproveUpToMinor: 5_000, treasurerApprovalsRequired: 2, podDecisionAboveMinor: 50_000 };

/** Ana asks for 120 EUR of groceries for Cy: what the command gives and the event repeats. */
const groceriesForCy = {
  proposalId: 'p-1',
  podId: 'pod-1',
  requestId: 'req-1',
  proposedByMemberId: 'ana',
  recipientMemberId: 'cy',
  currency: 'EUR',
  amountMinor: 12_000,
  category: 'groceries' as const,
  reasonTextId: 'text-1',
  emergency: false,
};

const propose = (overrides: Partial<ProposeDisbursement['data']> = {}): ProposeDisbursement => ({
  type: 'ProposeDisbursement',
  data: { ...groceriesForCy, policy, budget: null, ...overrides },
  metadata,
});

const proposal = {
  ...groceriesForCy,
  route: 'treasurer-approvals' as const,
  approvalsRequired: 2,
  overBudget: false,
  month: '2026-11',
  proposedAt: now,
};
const proposed: DisbursementProposed = {
  type: 'DisbursementProposed',
  data: { ...proposal, budgetMinor: null, committedMinor: null },
  metadata: eventMetadata,
};
const approve = (approverMemberId: string, approverIsTreasurer = true) => ({
  type: 'ApproveDisbursement' as const,
  data: { approverMemberId, approverIsTreasurer },
  metadata,
});
const given = (memberId: string): DisbursementEvent => ({
  type: 'DisbursementApprovalGiven',
  data: { proposalId: 'p-1', podId: 'pod-1', approverMemberId: memberId, approvedAt: now },
  metadata: eventMetadata,
});
const approved = (approverMemberIds: string[], route: 'treasurer-approvals' | 'auto-approved' | 'pod-decision' = 'treasurer-approvals'): DisbursementEvent => ({
  type: 'DisbursementApproved',
  data: { proposalId: 'p-1', podId: 'pod-1', route, approverMemberIds, approvedAt: now },
  metadata: eventMetadata,
});
const code = (history: DisbursementEvent[], command: Parameters<typeof disbursementDecider.decide>[0]) =>
  (spec(disbursementDecider).given(history).when(command).thenThrows(DomainRuleViolation) as DomainRuleViolation).code;

describe('proposing a disbursement', () => {
  it('given the pod policy, when an ordinary amount is proposed, then it waits for N treasurer approvals', () => {
    spec(disbursementDecider).given([]).when(propose()).then([proposed]);
  });

  it('auto-approves an emergency up to the small amount the pod allows', () => {
    const emergency = { ...proposal, amountMinor: 4_000, emergency: true, route: 'auto-approved' as const, approvalsRequired: 0 };
    spec(disbursementDecider)
      .given([])
      .when(propose({ amountMinor: 4_000, emergency: true }))
      .then([{ ...proposed, data: { ...emergency, budgetMinor: null, committedMinor: null } }, approved([], 'auto-approved')]);
  });

  it('sends an amount above the pod-decision threshold to a pod decision, even in an emergency', () => {
    const [event] = spec(disbursementDecider)
      .given([])
      .when(propose({ amountMinor: 60_000, emergency: true }))
      .then([
        {
          ...proposed,
          data: { ...proposal, amountMinor: 60_000, emergency: true, route: 'pod-decision', approvalsRequired: 0, budgetMinor: null, committedMinor: null },
        },
      ]);
    expect(event!.type).toBe('DisbursementProposed');
  });

  it('says so when the proposal takes its category past the month budget, and tells treasurers', () => {
    spec(disbursementDecider)
      .given([])
      .when(propose({ budget: { budgetMinor: 20_000, committedMinor: 10_000 } }))
      .then([
        { ...proposed, data: { ...proposal, overBudget: true, budgetMinor: 20_000, committedMinor: 22_000 } },
        {
          type: 'BudgetExceeded',
          data: {
            podId: 'pod-1',
            proposalId: 'p-1',
            category: 'groceries',
            month: '2026-11',
            currency: 'EUR',
            budgetMinor: 20_000,
            committedMinor: 22_000,
            exceededAt: now,
          },
          metadata: eventMetadata,
        },
      ]);
  });

  it('refuses a zero or fractional amount, another currency than the treasury and an unknown category', () => {
    expect(code([], propose({ amountMinor: 0 }))).toBe('AMOUNT_NOT_POSITIVE');
    expect(code([], propose({ amountMinor: 10.5 }))).toBe('FRACTIONAL_MINOR_UNIT');
    expect(code([], propose({ currency: 'USD' }))).toBe('UNIT_MISMATCH');
    expect(code([], propose({ category: 'yachts' }))).toBe('INVALID_CATEGORY');
  });
});

describe('approving a disbursement', () => {
  it('given a proposal needing two, when one treasurer approves, then it still waits; when a second does, it is approved', () => {
    spec(disbursementDecider)
      .given([proposed])
      .when(approve('bo'))
      .then([given('bo')]);
    spec(disbursementDecider)
      .given([proposed, given('bo')])
      .when(approve('dee'))
      .then([given('dee'), approved(['bo', 'dee'])]);
  });

  it('refuses approving twice, approving your own proposal, and approval by a non-treasurer', () => {
    expect(code([proposed, given('bo')], approve('bo'))).toBe('ALREADY_APPROVED');
    expect(code([proposed], approve('ana'))).toBe('OWN_PROPOSAL');
    expect(code([proposed], approve('eve', false))).toBe('NOT_A_TREASURER');
    expect(code([], approve('bo'))).toBe('PROPOSAL_NOT_FOUND');
  });

  it('is approved by a decision the pod passed (membership), only when it waits for one', () => {
    const large: DisbursementProposed = { ...proposed, data: { ...proposed.data, amountMinor: 60_000, route: 'pod-decision', approvalsRequired: 0 } };
    const passed = { type: 'ApproveByPodVote' as const, data: { decisionId: 'decision-1' }, metadata };
    spec(disbursementDecider)
      .given([large])
      .when(passed)
      .then([approved([], 'pod-decision')]);
    expect(code([proposed], passed)).toBe('NO_POD_DECISION_NEEDED');
    expect(code([large, approved([], 'pod-decision')], passed)).toBe('NOT_AWAITING_APPROVAL');
    expect(code([], passed)).toBe('PROPOSAL_NOT_FOUND');
  });

  it('lets only a coordinator record the pod decision a large amount needs', () => {
    const large: DisbursementProposed = { ...proposed, data: { ...proposed.data, amountMinor: 60_000, route: 'pod-decision', approvalsRequired: 0 } };
    const decide = (deciderIsCoordinator: boolean, isApproved = true) => ({
      type: 'RecordPodDecision' as const,
      data: { decidedByMemberId: 'dee', deciderIsCoordinator, approved: isApproved, noteTextId: 'text-2' },
      metadata,
    });
    expect(code([large], approve('bo'))).toBe('POD_DECISION_REQUIRED');
    expect(code([large], decide(false))).toBe('NOT_A_COORDINATOR');
    expect(code([proposed], decide(true))).toBe('NO_POD_DECISION_NEEDED');
    spec(disbursementDecider)
      .given([large])
      .when(decide(true))
      .then([approved(['dee'], 'pod-decision')]);
    spec(disbursementDecider)
      .given([large])
      .when(decide(true, false))
      .then([
        {
          type: 'DisbursementRejected',
          data: { proposalId: 'p-1', podId: 'pod-1', rejectedByMemberId: 'dee', reasonTextId: 'text-2', rejectedAt: now },
          metadata: eventMetadata,
        },
      ]);
  });
});

describe('rejecting and paying', () => {
  const reject = (rejecterIsTreasurer = true) => ({
    type: 'RejectDisbursement' as const,
    data: { rejectedByMemberId: 'bo', rejecterIsTreasurer, reasonTextId: 'text-3' },
    metadata,
  });
  const rejected: DisbursementEvent = {
    type: 'DisbursementRejected',
    data: { proposalId: 'p-1', podId: 'pod-1', rejectedByMemberId: 'bo', reasonTextId: 'text-3', rejectedAt: now },
    metadata: eventMetadata,
  };
  const pay = (transferId = 'tr-1') => ({ type: 'MarkDisbursementPaid' as const, data: { transferId, processorReference: 'sandbox_po_1' }, metadata });
  const paid: DisbursementEvent = {
    type: 'DisbursementPaid',
    data: {
      proposalId: 'p-1',
      podId: 'pod-1',
      requestId: 'req-1',
      recipientMemberId: 'cy',
      currency: 'EUR',
      amountMinor: 12_000,
      transferId: 'tr-1',
      processorReference: 'sandbox_po_1',
      paidAt: now,
    },
    metadata: eventMetadata,
  };
  const fullyApproved = [proposed, given('bo'), given('dee'), approved(['bo', 'dee'])];

  it('given a proposal, when a treasurer rejects it with a reason, then it is rejected; non-treasurers cannot', () => {
    spec(disbursementDecider).given([proposed]).when(reject()).then([rejected]);
    expect(code([proposed], reject(false))).toBe('NOT_A_TREASURER');
    expect(code([...fullyApproved, paid], reject())).toBe('CANNOT_REJECT');
  });

  it('given an approved proposal, when it is paid, then the payment and its transfer are recorded once', () => {
    spec(disbursementDecider).given(fullyApproved).when(pay()).then([paid]);
    spec(disbursementDecider)
      .given([...fullyApproved, paid])
      .when(pay())
      .then([]);
    expect(code([...fullyApproved, paid], pay('tr-2'))).toBe('ALREADY_PAID');
  });

  it('refuses to pay a proposal that is not approved, or was rejected', () => {
    expect(code([proposed], pay())).toBe('NOT_APPROVED');
    expect(code([proposed, given('bo')], pay())).toBe('NOT_APPROVED');
    expect(code([proposed, rejected], pay())).toBe('NOT_APPROVED');
  });
});
