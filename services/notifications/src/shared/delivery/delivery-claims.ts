import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@mutuo/domain';
import { StreamVersionConflict } from '@mutuo/event-store';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { AmbiguousSendError } from '../channels/send-outcome';
import type { DeliveryDetails, SendOutcome } from '../../domain/delivery.decider';
import { findRecipients, type RecipientProfile } from '../recipient-directory';
import { ChannelSender } from './channel-sender';
import { DeliveryCommands } from './delivery-commands';
import { forEachConcurrently, type Attempt, type CountAttempt, type DueRow, type StartedAttempt } from './due-delivery';
import { insertRecipientSends, OutcomeRecorder, type RecipientSend } from './outcome-recorder';
import { SendHolds } from './send-holds.policy';
import { SendsInFlight } from './sends-in-flight';
import { workerMetadata, WorkerTransactions } from './worker-transactions';

interface Claimed {
  readonly row: DueRow;
  readonly started: StartedAttempt;
  readonly details: DeliveryDetails;
  readonly recipient: RecipientProfile;
}

interface Recorded {
  readonly item: Claimed;
  /** null: the channel could not tell whether it took the message. */
  readonly outcome: SendOutcome | null;
}

/**
 * Claims members' deliveries together: one transaction loads their streams, reads their recipients and recent sends
 * with one query each, cancels or postpones what must not go now, and commits "sending" for the rest; those are
 * then sent concurrently and their outcomes recorded in groups as they come back. The rules are the one-by-one path's.
 */
@Injectable()
export class DeliveryClaims {
  constructor(
    private readonly transactions: WorkerTransactions,
    private readonly deliveries: DeliveryCommands,
    private readonly holds: SendHolds,
    private readonly sender: ChannelSender,
    private readonly recorder: OutcomeRecorder,
    private readonly inFlight: SendsInFlight,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Claims and sends `rows` (one pod's), at most `sendLimit` sends at once. Returns what must go one by one: deliveries
   * that are not a member's rendered message, or the whole claim when another worker appended to one of its streams
   * meanwhile (the claim's transaction then commits nothing).
   */
  async attemptClaim(rows: readonly DueRow[], now: Date, sendLimit: number, count: CountAttempt): Promise<DueRow[]> {
    const podId = rows[0]!.pod_id;
    const metadata = workerMetadata(now, podId);
    const at = now.toISOString();
    let claim: { claimed: Claimed[]; settled: Attempt[]; deferred: DueRow[] };
    try {
      claim = await this.transactions.inPod(podId, async (tx) => {
        const claimed: Claimed[] = [];
        const settled: Attempt[] = [];
        const deferred: DueRow[] = [];
        const streams = await this.deliveries.loadMany(
          tx,
          podId,
          rows.map((row) => row.delivery_id),
        );
        const loaded = rows.map((row) => ({ row, ...streams.get(row.delivery_id)! }));
        const memberIds = [
          ...new Set(
            loaded.flatMap(({ state }) => (state.status !== 'none' && state.details.recipient.type === 'member' ? [state.details.recipient.memberId] : [])),
          ),
        ];
        const recipients = await findRecipients(tx, memberIds);
        const recent = await this.holds.recentSends(tx, memberIds, now);
        for (const { row, state, version } of loaded) {
          if (state.status !== 'pending' || state.nextAttemptAt > at) {
            settled.push('skipped');
            continue;
          }
          const { details } = state;
          if (details.recipient.type !== 'member' || details.content.type !== 'rendered') {
            deferred.push(row);
            continue;
          }
          const recipient = recipients.get(details.recipient.memberId);
          if (!recipient || recipient.erased) {
            await this.deliveries.handle(
              tx,
              podId,
              { type: 'CancelDelivery', data: { deliveryId: details.deliveryId, reason: 'The member is gone' }, metadata },
              { loaded: { state, version } },
            );
            settled.push('skipped');
            continue;
          }
          const hold = this.holds.holdFor(details, recipient, now, recent.get(`${recipient.memberId}:${details.channel}`) ?? []);
          if (hold) {
            await this.deliveries.handle(
              tx,
              podId,
              { type: 'PostponeDelivery', data: { deliveryId: details.deliveryId, until: hold.until.toISOString(), reason: hold.reason }, metadata },
              { loaded: { state, version } },
            );
            settled.push('postponed');
            continue;
          }
          const started = await this.deliveries.handle(
            tx,
            podId,
            { type: 'StartSendAttempt', data: { deliveryId: details.deliveryId }, metadata },
            { loaded: { state, version } },
          );
          if (started.newEvents[0]?.type !== 'DeliveryAttemptStarted') settled.push('skipped');
          else claimed.push({ row, started, details, recipient });
        }
        return { claimed, settled, deferred };
      });
    } catch (error) {
      if (error instanceof StreamVersionConflict) return [...rows];
      throw error;
    }
    claim.settled.forEach(count);
    for (const item of claim.claimed) this.inFlight.add(item.row.delivery_id);
    // "sending" is committed for every claimed delivery: from here on a crash leaves a trace the recovery reads.
    // Outcomes are recorded as they come, in groups: whatever finished while the previous group was being committed
    // goes in the next transaction, so a receipt that overtakes our record of the send waits as little as possible.
    const unrecorded: Recorded[] = [];
    let recording: Promise<void> | undefined;
    const recordAll = async () => {
      while (unrecorded.length > 0) await this.recordGroup(podId, unrecorded.splice(0), now, metadata, count);
    };
    const recordSoon = () => {
      recording ??= recordAll().finally(() => {
        recording = undefined;
      });
    };
    await forEachConcurrently(claim.claimed, sendLimit, async (item) => {
      try {
        unrecorded.push({ item, outcome: await this.sender.send(item.details, item.recipient, undefined, now) });
      } catch (error) {
        if (error instanceof AmbiguousSendError) {
          this.logger.warn({ deliveryId: item.row.delivery_id, err: error }, 'Send outcome unknown');
          unrecorded.push({ item, outcome: null });
        } else {
          // Left "sending": the recovery after the lease applies the channel's rule.
          count('failed');
          this.inFlight.delete(item.row.delivery_id);
          this.logger.error({ err: error, deliveryId: item.row.delivery_id }, 'Delivery attempt failed; it is recovered after the sending lease');
          return;
        }
      }
      recordSoon();
    });
    while (recording) await recording;
    await recordAll();
    return claim.deferred;
  }

  /** Records a group of outcomes in one transaction; each on its own if another writer touched one of the streams. */
  private async recordGroup(podId: string | null, group: readonly Recorded[], now: Date, metadata: CommandMetadata, count: CountAttempt): Promise<void> {
    try {
      try {
        const recorded = await this.transactions.inPod(podId, async (tx) => {
          const sends: RecipientSend[] = [];
          const results: Attempt[] = [];
          for (const { item, outcome } of group)
            results.push(await this.recorder.recordOutcome(tx, podId, item.details, item.started, outcome, now, metadata, sends));
          await insertRecipientSends(tx, sends);
          return results;
        });
        recorded.forEach(count);
        recorded.forEach((attempt, index) => {
          if (attempt === 'sent') this.inFlight.rememberSent(group[index]!.item.row.delivery_id);
        });
      } catch (error) {
        if (!(error instanceof StreamVersionConflict)) throw error;
        // Someone appended to one of these streams meanwhile (a recovery, say): each is recorded on its own.
        for (const { item, outcome } of group)
          count(await this.transactions.inPod(podId, (tx) => this.recorder.recordOutcome(tx, podId, item.details, item.started, outcome, now, metadata, null)));
      }
    } catch (error) {
      // Left "sending": the recovery after the lease applies the channel's rule.
      group.forEach(() => count('failed'));
      this.logger.error({ err: error, deliveries: group.length }, 'Send outcomes could not be recorded; they are recovered after the sending lease');
    } finally {
      for (const { item } of group) this.inFlight.delete(item.row.delivery_id);
    }
  }
}
