import { Inject, Injectable } from '@nestjs/common';
import { StreamVersionConflict } from '@mutuo/event-store';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { AmbiguousSendError } from '../channels/send-outcome';
import type { SendOutcome } from '../../domain/delivery.decider';
import { TIME_CRITICAL_KINDS } from '../../domain/notification-kinds';
import { signingSecrets } from '../../domain/webhook-endpoint.decider';
import { findRecipient } from '../recipient-directory';
import { WebhookEndpointsHandler } from '../webhook-endpoints.handler';
import { ChannelSender } from './channel-sender';
import { DeliveryCommands } from './delivery-commands';
import type { Attempt, DueRow, StartedAttempt } from './due-delivery';
import { OutcomeRecorder } from './outcome-recorder';
import { SendHolds } from './send-holds.policy';
import { workerMetadata, WorkerTransactions } from './worker-transactions';

/**
 * Attempts one delivery on its own: codes, partner webhooks, a coordinator's test-fire, and whatever a claim defers.
 * Its rules are the claim path's: the member must still be there, quiet hours and the rate limit hold it back, and
 * "sending" is committed before the channel is called.
 */
@Injectable()
export class SingleDeliveryAttempt {
  constructor(
    private readonly transactions: WorkerTransactions,
    private readonly deliveries: DeliveryCommands,
    private readonly holds: SendHolds,
    private readonly endpoints: WebhookEndpointsHandler,
    private readonly sender: ChannelSender,
    private readonly recorder: OutcomeRecorder,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async attempt(row: DueRow, now: Date): Promise<Attempt> {
    const podId = row.pod_id;
    const metadata = workerMetadata(now, podId);
    let started: StartedAttempt | undefined;
    // A code or an emergency goes before bulk work waiting for one of the worker's connections.
    const urgent = (TIME_CRITICAL_KINDS as readonly (string | undefined)[]).includes(row.kind);
    const prepared = await this.transactions
      .inPod(
        podId,
        async (tx) => {
          const loaded = await this.deliveries.load(tx, podId, row.delivery_id);
          const { state } = loaded;
          if (state.status !== 'pending' || state.nextAttemptAt > now.toISOString()) return null;
          const { details } = state;
          const recipient = details.recipient.type === 'member' ? await findRecipient(tx, details.recipient.memberId) : null;
          if (details.recipient.type === 'member' && (!recipient || recipient.erased)) {
            await this.deliveries.handle(tx, podId, {
              type: 'CancelDelivery',
              data: { deliveryId: details.deliveryId, reason: 'The member is gone' },
              metadata,
            });
            return null;
          }
          const hold = recipient ? await this.holds.holdUntil(tx, details, recipient, now) : null;
          if (hold) {
            await this.deliveries.handle(tx, podId, {
              type: 'PostponeDelivery',
              data: { deliveryId: details.deliveryId, until: hold.until.toISOString(), reason: hold.reason },
              metadata,
            });
            return 'postponed' as const;
          }
          // The endpoint's own stream, not its read model: a test-fire right after registering must find it.
          const endpointState =
            details.recipient.type === 'webhook-endpoint' && podId ? await this.endpoints.load(podId, details.recipient.endpointId, tx) : undefined;
          const endpoint = endpointState?.status === 'enabled' ? { url: endpointState.url, secrets: signingSecrets(endpointState, now) } : undefined;
          if (details.recipient.type === 'webhook-endpoint' && !endpoint) {
            await this.deliveries.handle(tx, podId, {
              type: 'CancelDelivery',
              data: { deliveryId: details.deliveryId, reason: 'The webhook endpoint is disabled' },
              metadata,
            });
            return null;
          }
          const attempt = await this.deliveries.handle(tx, podId, { type: 'StartSendAttempt', data: { deliveryId: details.deliveryId }, metadata }, { loaded });
          if (attempt.newEvents[0]?.type !== 'DeliveryAttemptStarted') return null;
          started = attempt;
          return { details, recipient, endpoint };
        },
        urgent,
      )
      .catch((error: unknown) => {
        // Another worker started this attempt first.
        if (error instanceof StreamVersionConflict) return null;
        throw error;
      });
    if (prepared === null) return 'skipped';
    if (prepared === 'postponed') return 'postponed';
    // "sending" is committed: from here on a crash leaves a trace the recovery reads.
    let outcome: SendOutcome | null;
    try {
      outcome = await this.sender.send(prepared.details, prepared.recipient, prepared.endpoint, now);
    } catch (error) {
      if (!(error instanceof AmbiguousSendError)) throw error;
      this.logger.warn({ deliveryId: row.delivery_id, err: error }, 'Send outcome unknown');
      outcome = null;
    }
    return this.transactions.inPod(podId, (tx) => this.recorder.recordOutcome(tx, podId, prepared.details, started!, outcome, now, metadata, null), urgent);
  }
}
