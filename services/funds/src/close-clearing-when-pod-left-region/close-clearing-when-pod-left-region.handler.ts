import { EventPattern, Payload } from '@nestjs/microservices';
import { PodLeftRegionV1, type PodLeftRegionV1Data } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, query, setTransactionPod, streamName } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import {
  carryTransfer,
  clearingClosureDecider,
  type ClearingBalance,
  type ClearingClosureCommand,
  type ClearingClosureEvent,
  type ClearingClosureState,
} from '../domain/clearing-closure.decider';
import type { TransferDetails } from '../domain/ledger.types';
import { FUNDS_ACTOR } from '../funds.actor';
import { derivedTransferId, podAccounts } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';

/** One closure per departure: membership's event id names it, so a redelivery finds it closed. */
export const clearingClosureStream = (podId: string, departureEventId: string) => streamName('clearing-closure', podId, departureEventId);

/**
 * A pod that left its region clears with it no more (docs/funds.md, "Leaving a region"): funds forgets the pod's
 * region, and the clearing accounts between it and the pods of the old region are carried whole, on both sides, to
 * `settled-clearing` accounts, all in the event's transaction with its inbox row.
 */
@EventController()
export class CloseClearingWhenPodLeftRegion {
  private readonly closures: CommandHandler<ClearingClosureState, ClearingClosureCommand, ClearingClosureEvent>;

  constructor(
    store: PostgresEventStore,
    private readonly ledger: Ledger,
  ) {
    this.closures = new CommandHandler(store, clearingClosureDecider);
  }

  @EventPattern(PodLeftRegionV1.type)
  async handle(@Payload() event: ReceivedEvent<PodLeftRegionV1Data>): Promise<void> {
    const { podId, regionId } = event.data;
    const neighbours = (
      await query<{ pod_id: string }>(event.em, 'select pod_id from funds_pods where region_id = ? and pod_id <> ? order by pod_id', [regionId, podId])
    ).map((row) => row.pod_id);
    await query(event.em, 'update funds_pods set region_id = null where pod_id = ? and region_id = ?', [podId, regionId]);
    const balances = [...(await this.clearingOf(event, podId, neighbours)), ...(await this.clearingTowards(event, podId, neighbours))];
    await setTransactionPod(event.em, podId);
    const metadata = commandMetadataForEvent(event, FUNDS_ACTOR);
    const { state, newEvents } = await this.closures.handle(event.em, clearingClosureStream(podId, event.id), {
      type: 'CloseClearing',
      data: { leftPodId: podId, regionId, balances },
      metadata: { ...metadata, podId },
    });
    if (newEvents.length === 0 || state.status !== 'closed') return;
    const transfers = state.carried.map((balance) => this.carry(balance, regionId, event.id));
    const open = state.carried.map((balance) => podAccounts.settledClearing(balance.podId, balance.counterpartyPodId));
    await this.ledger.postMany(event.em, transfers, metadata, { open });
  }

  /** The departing pod's clearing accounts toward the region's pods, locked until the carry commits. */
  private async clearingOf(event: ReceivedEvent<PodLeftRegionV1Data>, podId: string, neighbours: readonly string[]): Promise<ClearingBalance[]> {
    if (neighbours.length === 0) return [];
    await setTransactionPod(event.em, podId);
    return this.readClearing(event, podId, neighbours);
  }

  /** Each neighbour's clearing account toward the departing pod, read in that pod's scope (row-level security). */
  private async clearingTowards(event: ReceivedEvent<PodLeftRegionV1Data>, podId: string, neighbours: readonly string[]): Promise<ClearingBalance[]> {
    const balances: ClearingBalance[] = [];
    for (const neighbour of neighbours) {
      await setTransactionPod(event.em, neighbour);
      balances.push(...(await this.readClearing(event, neighbour, [podId])));
    }
    return balances;
  }

  private async readClearing(event: ReceivedEvent<PodLeftRegionV1Data>, podId: string, counterparties: readonly string[]): Promise<ClearingBalance[]> {
    const rows = await query<{ counterparty_pod_id: string; balance_minor: string }>(
      event.em,
      `select counterparty_pod_id, balance_minor::text from accounts
       where kind = 'clearing' and pod_id = ? and counterparty_pod_id = any(?::uuid[]) order by id for update`,
      [podId, `{${counterparties.join(',')}}`],
    );
    return rows.map((row) => ({ podId, counterpartyPodId: row.counterparty_pod_id, owedMinutes: Number(row.balance_minor) }));
  }

  private carry(balance: ClearingBalance, regionId: string, departureEventId: string): TransferDetails {
    const { debit, credit, minutes } = carryTransfer(balance);
    const account = (side: typeof debit) =>
      side === 'clearing'
        ? podAccounts.clearing(balance.podId, balance.counterpartyPodId)
        : podAccounts.settledClearing(balance.podId, balance.counterpartyPodId);
    return {
      transferId: derivedTransferId(`clearing-closure:${departureEventId}:${balance.podId}:${balance.counterpartyPodId}`),
      podId: balance.podId,
      unit: 'HOUR',
      amountMinor: minutes,
      debitAccountId: account(debit).accountId,
      creditAccountId: account(credit).accountId,
      kind: 'clearing-settlement',
      reversesTransferId: null,
      requestId: null,
      // The region the clearing closed in: what a pod reading its settled positions wants to know.
      sourceId: regionId,
      category: null,
    };
  }
}
