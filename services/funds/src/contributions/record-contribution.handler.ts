import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, setTransactionPod, streamName, type IdempotentInput } from '@mutuo/event-store';
import {
  contributionDecider,
  type Contribution,
  type ContributionCommand,
  type ContributionEvent,
  type ContributionState,
} from '../domain/contribution.decider';
import { checkAmountMinor, checkAmountMinorOrZero, checkUnit } from '../domain/money';
import { creationId } from '../creation-id';
import { fundsCaller } from '../funds.caller';
import { derivedTransferId, podAccounts } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';
import { PersonalTexts } from '../shared/personal-texts.store';
import { PodMembers } from '../shared/pod-members.repository';
import { PodRoles } from '../shared/pod-roles.repository';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';

export interface RecordContributionInput extends IdempotentInput {
  contributionId?: string | null;
  currency: string;
  amountMinor: number;
  feeMinor?: number | null;
  method: string;
  sourceKind: string;
  processorReference?: string | null;
  anonymous: boolean;
  donorName?: string | null;
  donorMemberId?: string | null;
  showNamePublicly?: boolean | null;
}

export const contributionStream = (podId: string, contributionId: string) => streamName('contribution', podId, contributionId);

/**
 * Money received, recorded by a treasurer: the contribution's event, its transfer from the outside world into the
 * treasury and the processor's fee as a transfer of its own, all in one transaction.
 */
@Injectable()
export class RecordContributionHandler {
  private readonly commands: CommandHandler<ContributionState, ContributionCommand, ContributionEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly ledger: Ledger,
    private readonly roles: PodRoles,
    private readonly texts: PersonalTexts,
    private readonly members: PodMembers,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, contributionDecider);
  }

  async record(input: RecordContributionInput, ctx: RequestContext): Promise<Contribution> {
    return this.em.fork().transactional(async (tx) => {
      const caller = await fundsCaller(tx, this.roles, ctx, this.clock.now());
      await setTransactionPod(tx, caller.podId);
      const contributionId = await creationId(tx, caller, 'recordContribution', input, { value: input.contributionId, field: 'contributionId' });
      // Checked before anything is written, so a bad amount leaves no trace (the decider checks again).
      const currency = checkUnit(input.currency, 'currency');
      const amountMinor = checkAmountMinor(input.amountMinor, 'amountMinor');
      const feeMinor = checkAmountMinorOrZero(input.feeMinor ?? 0, 'feeMinor');
      const donorMemberId = input.donorMemberId ? await this.members.requireActive(tx, caller.podId, input.donorMemberId, 'donorMemberId') : null;
      const named = !input.anonymous && typeof input.donorName === 'string' && input.donorName.trim() !== '';
      const donorName = named ? this.texts.prepare(input.donorName, 'donorName', 200) : null;
      const transferId = derivedTransferId(`contribution:${caller.podId}:${contributionId}`);
      const feeTransferId = feeMinor > 0 ? derivedTransferId(`contribution-fee:${caller.podId}:${contributionId}`) : null;
      const { state, newEvents } = await this.commands.handle(tx, contributionStream(caller.podId, contributionId), {
        type: 'RecordContribution',
        data: {
          contributionId,
          podId: caller.podId,
          currency,
          amountMinor,
          feeMinor,
          method: input.method,
          sourceKind: input.sourceKind,
          processorReference: input.processorReference ?? null,
          donorNameTextId: donorName?.id ?? null,
          donorMemberId,
          anonymous: input.anonymous,
          nameShownPublicly: input.showNamePublicly ?? false,
          recordedByMemberId: caller.memberId,
          transferId,
          feeTransferId,
          recorderIsTreasurer: caller.treasurer || caller.coordinator,
        },
        metadata: caller.metadata,
      });
      if (state.status !== 'recorded') throw new Error('A recorded contribution has no state');
      if (newEvents.length > 0) {
        const { podId } = caller;
        if (donorName) await this.texts.store(tx, donorName, podId, donorMemberId);
        // A contribution's transfer carries its source kind as its category, so the public report needs nothing but transfers.
        const treasury = podAccounts.treasury(podId, currency);
        const donations = podAccounts.donations(podId, currency);
        await this.ledger.post(
          tx,
          {
            transferId,
            podId,
            unit: currency,
            amountMinor,
            debitAccountId: donations.accountId,
            creditAccountId: treasury.accountId,
            kind: 'contribution',
            reversesTransferId: null,
            requestId: null,
            sourceId: contributionId,
            category: state.contribution.sourceKind,
          },
          caller.metadata,
          { open: [treasury, donations] },
        );
        if (feeTransferId) {
          const fees = podAccounts.fees(podId, currency);
          await this.ledger.post(
            tx,
            {
              transferId: feeTransferId,
              podId,
              unit: currency,
              amountMinor: feeMinor,
              debitAccountId: treasury.accountId,
              creditAccountId: fees.accountId,
              kind: 'processor-fee',
              reversesTransferId: null,
              requestId: null,
              sourceId: contributionId,
              category: null,
            },
            caller.metadata,
            { open: [fees] },
          );
        }
      }
      return state.contribution;
    });
  }
}
