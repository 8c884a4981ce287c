import { DomainRuleViolation, spec } from '@mutuo/domain';
import { contributionDecider, type ContributionEvent, type RecordContribution } from './contribution.decider';

const now = '2026-11-25T09:00:00.000Z';
const metadata = { now, actorId: 'person-bo', podId: 'pod-1' };
const record = (overrides: Partial<RecordContribution['data']> = {}): RecordContribution => ({
  type: 'RecordContribution',
  data: {
    contributionId: 'c-1',
    podId: 'pod-1',
    currency: 'EUR',
    amountMinor: 10_000,
    feeMinor: 320,
    method: 'card',
    sourceKind: 'individual',
    processorReference: 'ch_123',
    donorNameTextId: 'text-1',
    donorMemberId: null,
    anonymous: false,
    nameShownPublicly: true,
    recordedByMemberId: 'bo',
    transferId: 'tr-1',
    feeTransferId: 'tr-fee-1',
    recorderIsTreasurer: true,
    ...overrides,
  },
  metadata,
});
const { recorderIsTreasurer: _treasurer, ...recordedData } = record().data;
const recorded: ContributionEvent = {
  type: 'ContributionRecorded',
  data: { ...recordedData, method: 'card', sourceKind: 'individual', recordedAt: now },
  metadata: { occurredAt: now, actorId: 'person-bo', podId: 'pod-1' },
};
const code = (command: RecordContribution, history: ContributionEvent[] = []) =>
  (spec(contributionDecider).given(history).when(command).thenThrows(DomainRuleViolation) as DomainRuleViolation).code;

describe('recording a contribution', () => {
  it('given nothing, when a treasurer records money received with its fee, then the contribution keeps amount and fee apart', () => {
    spec(contributionDecider).given([]).when(record()).then([recorded]);
  });

  it('given it was recorded, when the same contribution is recorded again, then nothing is added', () => {
    spec(contributionDecider).given([recorded]).when(record()).then([]);
    expect(code(record({ amountMinor: 5 }), [recorded])).toBe('CONTRIBUTION_ID_REUSED');
  });

  it('keeps no name for an anonymous donor, and never shows one publicly', () => {
    const [event] = spec(contributionDecider)
      .given([])
      .when(record({ anonymous: true }))
      .then([{ ...recorded, data: { ...recorded.data, anonymous: true, donorNameTextId: null, nameShownPublicly: false } } as ContributionEvent]);
    expect(event!.data.donorNameTextId).toBeNull();
  });

  it('refuses bad amounts, a fee above the amount, hours, unknown methods and recorders who are not treasurers', () => {
    expect(code(record({ amountMinor: -1 }))).toBe('AMOUNT_NOT_POSITIVE');
    expect(code(record({ amountMinor: 100.5 }))).toBe('FRACTIONAL_MINOR_UNIT');
    expect(code(record({ feeMinor: 20_000 }))).toBe('FEE_EXCEEDS_AMOUNT');
    expect(code(record({ currency: 'HOUR' }))).toBe('UNIT_MISMATCH');
    expect(code(record({ method: 'barter' }))).toBe('INVALID_VALUE');
    expect(code(record({ recorderIsTreasurer: false }))).toBe('NOT_A_TREASURER');
  });
});
