import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { query, StreamVersionConflict, type StoredEvent } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import type { DeliveryDetails, DeliveryFailed, DeliveryState, SendOutcome } from '../../domain/delivery.decider';
import { WebhookEndpointsHandler } from '../webhook-endpoints.handler';
import { DeliveryCommands } from './delivery-commands';
import { DeliveryMetrics } from './delivery-metrics';
import type { Attempt, StartedAttempt } from './due-delivery';
import { deliveryIdFor } from './notification-dispatcher';
import { SendsInFlight } from './sends-in-flight';
import { workerMetadata, WorkerTransactions } from './worker-transactions';

/** One row of the rate limit's log. */
export interface RecipientSend {
  readonly pod_id: string;
  readonly recipient_member_id: string;
  readonly channel: string;
  readonly sent_at: string;
}

/** The rate limit's log, in one statement. */
export async function insertRecipientSends(tx: EntityManager, sends: readonly RecipientSend[]): Promise<void> {
  if (sends.length === 0) return;
  await query(
    tx,
    `insert into recipient_sends (pod_id, recipient_member_id, channel, sent_at)
     select s.pod_id, s.recipient_member_id, s.channel, s.sent_at from jsonb_to_recordset(?::jsonb) as s(pod_id uuid, recipient_member_id uuid, channel text, sent_at timestamptz)`,
    [JSON.stringify(sends)],
  );
}

/** Records what a channel said about a send (at once, or later by the provider's receipt) and falls back on failure. */
@Injectable()
export class OutcomeRecorder {
  constructor(
    private readonly deliveries: DeliveryCommands,
    private readonly endpoints: WebhookEndpointsHandler,
    private readonly transactions: WorkerTransactions,
    private readonly inFlight: SendsInFlight,
    private readonly clock: Clock,
    private readonly metrics: DeliveryMetrics,
  ) {}

  /**
   * Records what the channel said. `sends` collects the rate limit's log rows for the caller to insert in one go; null
   * inserts them here and decides against the stream again if something was appended since the attempt started (in a
   * savepoint, so the caller's transaction survives the conflict); with `sends`, a conflict fails the caller's transaction.
   */
  async recordOutcome(
    tx: EntityManager,
    podId: string | null,
    details: DeliveryDetails,
    started: StartedAttempt,
    outcome: SendOutcome | null,
    now: Date,
    metadata: CommandMetadata,
    sends: RecipientSend[] | null,
  ): Promise<Attempt> {
    const deliveryId = details.deliveryId;
    if (outcome === null) {
      const recovered = await this.deliveries.handle(tx, podId, { type: 'RecoverInterruptedSend', data: { deliveryId }, metadata });
      this.metrics.countRecorded(details.channel, recovered.newEvents);
      return 'failed';
    }
    const command = { type: 'RecordSendOutcome' as const, data: { deliveryId, outcome }, metadata };
    // Usually nothing was appended since the attempt started; if something was, decide against the stream again.
    const { newEvents, state } = sends
      ? await this.deliveries.handle(tx, podId, command, { loaded: started })
      : await tx
          .transactional((savepoint) => this.deliveries.handle(savepoint, podId, command, { loaded: started }))
          .catch((error: unknown) => {
            if (error instanceof StreamVersionConflict) return this.deliveries.handle(tx, podId, command);
            throw error;
          });
    this.metrics.countRecorded(details.channel, newEvents);
    if (outcome.type === 'accepted' && details.recipient.type === 'member' && podId) {
      const send: RecipientSend = { pod_id: podId, recipient_member_id: details.recipient.memberId, channel: details.channel, sent_at: now.toISOString() };
      if (sends) sends.push(send);
      else await insertRecipientSends(tx, [send]);
    }
    if (details.recipient.type === 'webhook-endpoint' && podId) {
      await this.endpoints.recordAttempt(
        tx,
        podId,
        details.recipient.endpointId,
        outcome.type === 'accepted',
        outcome.type === 'accepted' ? null : outcome.error,
        metadata,
      );
    }
    const failed = newEvents.find((event) => event.type === 'DeliveryFailed') as (StoredEvent & DeliveryFailed) | undefined;
    if (failed) await this.fallBack(tx, state, failed, now);
    return outcome.type === 'accepted' ? 'sent' : 'failed';
  }

  /**
   * The SMS provider's delivery receipt for a message it accepted; "undelivered" falls back to the next channel.
   * False when the delivery is not (yet) recorded as sent with that message: the provider tries again.
   */
  async recordReceipt(podId: string | null, deliveryId: string, providerMessageId: string, status: 'delivered' | 'undelivered'): Promise<boolean> {
    // Overtook our record of the send, which is on its way: no need to read the stream to know.
    if (this.inFlight.has(deliveryId)) return false;
    const now = this.clock.now();
    return this.transactions
      .inPod(podId, async (tx) => {
        const loaded = await this.deliveries.load(tx, podId, deliveryId);
        const { state } = loaded;
        // Not a delivery (a coordinator's test message): nothing to record.
        if (state.status === 'none') return true;
        if (state.status !== 'sent' && state.status !== 'failed') return false;
        if (state.status === 'failed' || state.providerMessageId !== providerMessageId) return state.status === 'failed';
        const handled = await this.deliveries.handle(
          tx,
          podId,
          { type: 'RecordDeliveryReceipt', data: { deliveryId, providerMessageId, status }, metadata: workerMetadata(now, podId) },
          { loaded },
        );
        this.metrics.countReceipt(state.details.channel, status);
        const failed = handled.newEvents.find((event) => event.type === 'DeliveryFailed') as (StoredEvent & DeliveryFailed) | undefined;
        if (failed) await this.fallBack(tx, handled.state, failed, now);
        return true;
      })
      .catch((error: unknown) => {
        // Something was appended to the delivery meanwhile: the provider tries again and the receipt is decided afresh.
        if (error instanceof StreamVersionConflict) return false;
        throw error;
      });
  }

  /** A channel failed for good: the same message on the member's next channel. */
  private async fallBack(tx: EntityManager, state: DeliveryState, failed: DeliveryFailed, now: Date): Promise<void> {
    const channel = failed.data.fallbackChannel;
    if (!channel || state.status === 'none' || state.details.recipient.type !== 'member') return;
    const { details } = state;
    await this.deliveries.decide(
      tx,
      {
        ...details,
        deliveryId: deliveryIdFor(details.causeEventId, details.recipient.type === 'member' ? details.recipient.memberId : '', channel),
        channel,
        fallbackChannels: details.fallbackChannels.slice(1),
        notBefore: now.toISOString(),
      },
      workerMetadata(now, details.podId),
    );
  }
}
