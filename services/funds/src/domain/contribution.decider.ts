import { CONTRIBUTION_METHODS, CONTRIBUTION_SOURCE_KINDS, type ContributionMethod, type ContributionSourceKind } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, oneOf, optionalPlainText } from '@mutuo/domain';
import { checkAmountMinor, checkAmountMinorOrZero, checkUnit, isMoney } from './money';

/** Money received. The amount and the processor's fee are posted as two transfers, so the fee stays visible. */
export interface Contribution {
  readonly contributionId: string;
  readonly podId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly feeMinor: number;
  readonly method: ContributionMethod;
  readonly sourceKind: ContributionSourceKind;
  readonly processorReference: string | null;
  /** The donor's name, kept apart as personal text (see PersonalTexts); null when anonymous. Shown publicly only when `nameShownPublicly`. */
  readonly donorNameTextId: string | null;
  /** When the donor is a member of the pod: their erasure blanks the name. */
  readonly donorMemberId: string | null;
  readonly anonymous: boolean;
  /** The donor opted in to being named in the public report. */
  readonly nameShownPublicly: boolean;
  readonly recordedByMemberId: string;
  readonly transferId: string;
  readonly feeTransferId: string | null;
}

export type ContributionState = { status: 'none' } | { status: 'recorded'; contribution: Contribution };

export type RecordContribution = Command<
  'RecordContribution',
  Omit<Contribution, 'method' | 'sourceKind'> & { method: string; sourceKind: string; recorderIsTreasurer: boolean }
>;
export type ContributionCommand = RecordContribution;

export type ContributionRecorded = DomainEvent<'ContributionRecorded', Contribution & { recordedAt: string }>;
export type ContributionEvent = ContributionRecorded;

export const contributionDecider: Decider<ContributionState, ContributionCommand, ContributionEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordContribution': {
        const { recorderIsTreasurer, ...input } = command.data;
        if (state.status === 'recorded') {
          if (state.contribution.amountMinor === input.amountMinor && state.contribution.currency === input.currency) return [];
          throw new DomainRuleViolation('CONTRIBUTION_ID_REUSED', 'This contribution id is already taken', 'contributionId');
        }
        if (!recorderIsTreasurer) throw new DomainRuleViolation('NOT_A_TREASURER', 'Only treasurers and coordinators record contributions');
        const currency = checkUnit(input.currency, 'currency');
        if (!isMoney(currency)) throw new DomainRuleViolation('UNIT_MISMATCH', 'Contributions are money; give hours to the community pool instead', 'currency');
        const amountMinor = checkAmountMinor(input.amountMinor, 'amountMinor');
        const feeMinor = checkAmountMinorOrZero(input.feeMinor, 'feeMinor');
        if (feeMinor > amountMinor) throw new DomainRuleViolation('FEE_EXCEEDS_AMOUNT', 'The fee cannot be larger than the contribution', 'feeMinor');
        if (feeMinor > 0 !== (input.feeTransferId !== null)) throw new Error('A fee needs its own transfer id, and only a fee');
        const donorNameTextId = input.anonymous ? null : input.donorNameTextId;
        const contribution: Contribution = {
          ...input,
          currency,
          amountMinor,
          feeMinor,
          method: oneOf(CONTRIBUTION_METHODS, input.method, 'method'),
          sourceKind: oneOf(CONTRIBUTION_SOURCE_KINDS, input.sourceKind, 'sourceKind'),
          processorReference: optionalPlainText(input.processorReference, { field: 'processorReference', min: 0, max: 200 }),
          donorNameTextId,
          donorMemberId: input.anonymous ? null : input.donorMemberId,
          nameShownPublicly: donorNameTextId !== null && input.nameShownPublicly,
        };
        return [{ type: 'ContributionRecorded', data: { ...contribution, recordedAt: command.metadata.now }, metadata: eventMetadataFrom(command.metadata) }];
      }
      default:
        return assertNever(command.type, 'contribution command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ContributionRecorded': {
        const { recordedAt: _recordedAt, ...contribution } = event.data;
        return { status: 'recorded', contribution };
      }
      default:
        return assertNever(event.type, 'contribution event');
    }
  },
};
