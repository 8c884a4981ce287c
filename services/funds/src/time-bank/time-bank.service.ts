import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestFulfilledV1Data } from '@mutuo/contracts';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, setTransactionPod, streamName } from '@mutuo/event-store';
import type { LedgerAccount } from '../domain/ledger-account.decider';
import type { PostedTransfer } from '../domain/ledger.types';
import {
  fulfilmentDecider,
  type FulfilmentCommand,
  type FulfilmentEvent,
  type FulfilmentState,
  type HelperContribution,
  type TimeAccountRef,
  type TimeLeg,
} from '../domain/time-bank.decider';
import { FundsPolicies } from '../shared/funds-policies.repository';
import { derivedTransferId, podAccounts } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';

export const fulfilmentStream = (podId: string, fulfilmentId: string) => streamName('fulfilment', podId, fulfilmentId);
export const legTransferId = (fulfilmentId: string, leg: Pick<TimeLeg, 'legKey'>) => derivedTransferId(`fulfilment:${fulfilmentId}:${leg.legKey}`);
export const legReversalId = (fulfilmentId: string, leg: Pick<TimeLeg, 'legKey'>) => derivedTransferId(`fulfilment-reversal:${fulfilmentId}:${leg.legKey}`);

/**
 * Hours for help given. The fulfilment's stream makes crediting idempotent (a second delivery decides nothing), and
 * each leg's transfer id derives from the fulfilment, so even a replay below the stream posts nothing twice.
 */
@Injectable()
export class TimeBank {
  private readonly fulfilments: CommandHandler<FulfilmentState, FulfilmentCommand, FulfilmentEvent>;

  constructor(
    store: PostgresEventStore,
    private readonly ledger: Ledger,
    private readonly policies: FundsPolicies,
  ) {
    this.fulfilments = new CommandHandler(store, fulfilmentDecider);
  }

  async credit(em: EntityManager, fulfilment: RequestFulfilledV1Data, metadata: CommandMetadata): Promise<PostedTransfer[]> {
    const { podId, requestId, fulfilmentId } = fulfilment;
    await setTransactionPod(em, podId);
    const helperPods = new Map(
      (
        await query<{ helper_member_id: string; helper_pod_id: string }>(
          em,
          'select helper_member_id, helper_pod_id from request_helper_pods where request_id = ?',
          [requestId],
        )
      ).map((row) => [row.helper_member_id, row.helper_pod_id]),
    );
    const contributions: HelperContribution[] = splitContributions(fulfilment).map(({ helperMemberId, minutes }) => ({
      helperMemberId,
      minutes,
      helperPodId: helperPods.get(helperMemberId) ?? podId,
    }));
    const { state, newEvents } = await this.fulfilments.handle(em, fulfilmentStream(podId, fulfilmentId), {
      type: 'CreditFulfilment',
      data: { fulfilmentId, requestId, podId, requesterMemberId: fulfilment.requesterMemberId, contributions },
      metadata: { ...metadata, podId },
    });
    if (newEvents.length === 0 || state.status === 'none') return [];
    const policies = new Map<string, Promise<number>>();
    const creditLimit = (legPod: string) => {
      if (!policies.has(legPod))
        policies.set(
          legPod,
          this.policies.of(em, legPod).then((policy) => policy.timeCreditLimitMinutes),
        );
      return policies.get(legPod)!;
    };
    const open: LedgerAccount[] = [];
    const transfers = [];
    const settledWith = await podsOutsideRegionOf(em, podId, contributions);
    for (const leg of state.legs) {
      const debit = this.account(leg.podId, leg.debit, await creditLimit(leg.podId), settledWith);
      const credit = this.account(leg.podId, leg.credit, await creditLimit(leg.podId), settledWith);
      open.push(debit, credit);
      transfers.push({
        transferId: legTransferId(fulfilmentId, leg),
        podId: leg.podId,
        unit: 'HOUR',
        amountMinor: leg.minutes,
        debitAccountId: debit.accountId,
        creditAccountId: credit.accountId,
        kind: leg.kind,
        reversesTransferId: null,
        requestId,
        sourceId: fulfilmentId,
        category: null,
      });
    }
    // All legs in one batch: each pod's accounts locked once, in id order.
    return this.ledger.postMany(em, transfers, metadata, { open });
  }

  async reverse(em: EntityManager, input: { podId: string; fulfilmentId: string }, metadata: CommandMetadata): Promise<PostedTransfer[]> {
    await setTransactionPod(em, input.podId);
    const { state, newEvents } = await this.fulfilments.handle(em, fulfilmentStream(input.podId, input.fulfilmentId), {
      type: 'ReverseFulfilment',
      data: { fulfilmentId: input.fulfilmentId },
      metadata: { ...metadata, podId: input.podId },
    });
    if (newEvents.length === 0 || state.status === 'none') return [];
    const reversals: PostedTransfer[] = [];
    for (const leg of state.legs) {
      reversals.push(
        await this.ledger.reverse(
          em,
          { podId: leg.podId, transferId: legTransferId(input.fulfilmentId, leg), reversalTransferId: legReversalId(input.fulfilmentId, leg) },
          { ...metadata, podId: leg.podId },
        ),
      );
    }
    return reversals;
  }

  /**
   * The account a leg names, with the floor its pod sets now (for a member's first hours). Between pods that no longer
   * share a region (a match made before one of them left), the minutes go to the pods' settled-clearing accounts: no
   * new clearing with the old region (docs/funds.md, "Leaving a region").
   */
  private account(podId: string, ref: TimeAccountRef, creditLimitMinutes: number, settledWith: ReadonlySet<string>): LedgerAccount {
    if (ref.kind === 'member-time') return podAccounts.memberTime(podId, ref.memberId, creditLimitMinutes);
    // The leg in the requester's pod names the helper's pod as counterparty; the leg in the helper's pod is in it.
    return settledWith.has(ref.counterpartyPodId) || settledWith.has(podId)
      ? podAccounts.settledClearing(podId, ref.counterpartyPodId)
      : podAccounts.clearing(podId, ref.counterpartyPodId);
  }
}

/** The helpers' pods that do not share a region with the request's pod now (either may have left it). */
async function podsOutsideRegionOf(em: EntityManager, podId: string, contributions: readonly HelperContribution[]): Promise<Set<string>> {
  const others = [...new Set(contributions.map((c) => c.helperPodId).filter((helperPodId) => helperPodId !== podId))];
  if (others.length === 0) return new Set();
  const rows = await query<{ pod_id: string }>(
    em,
    `select o.pod_id from unnest(?::uuid[]) as o(pod_id)
     where not exists (select 1 from funds_pods a join funds_pods b on a.region_id = b.region_id where a.pod_id = ? and b.pod_id = o.pod_id)`,
    [`{${others.join(',')}}`, podId],
  );
  return new Set(rows.map((row) => row.pod_id));
}

/**
 * Minutes per helper: as requests reported them, or else the total shared evenly (whole minutes; the remainder goes
 * to the first helpers, so nothing is lost).
 */
export function splitContributions(
  fulfilment: Pick<RequestFulfilledV1Data, 'contributions' | 'helperMemberIds' | 'hoursGivenMinutes'>,
): { helperMemberId: string; minutes: number }[] {
  if (fulfilment.contributions.length > 0) return fulfilment.contributions.map(({ helperMemberId, minutes }) => ({ helperMemberId, minutes }));
  const helpers = [...new Set(fulfilment.helperMemberIds)];
  if (helpers.length === 0) return [];
  const share = Math.floor(fulfilment.hoursGivenMinutes / helpers.length);
  const remainder = fulfilment.hoursGivenMinutes - share * helpers.length;
  return helpers.map((helperMemberId, index) => ({ helperMemberId, minutes: share + (index < remainder ? 1 : 0) }));
}
