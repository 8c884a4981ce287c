import { Inject, Injectable } from '@nestjs/common';
import type { StoredEvent } from '@mutuo/event-store';
import type { MetricsRegistry } from '@mutuo/platform';
import { METRICS_REGISTRY } from '@mutuo/service-kit';
import { Counter } from 'prom-client';
import { DELIVERY_CHANNELS, type DeliveryChannel } from '../../domain/delivery.decider';

/** What a channel's answer, or later its receipt, did to a delivery. */
const DELIVERY_OUTCOMES = ['sent', 'retrying', 'failed', 'unknown', 'delivered', 'undelivered'] as const;
type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

const OUTCOME_OF_EVENT: Readonly<Record<string, DeliveryOutcome>> = {
  DeliverySent: 'sent',
  DeliveryAttemptFailed: 'retrying',
  DeliveryFailed: 'failed',
  DeliveryOutcomeUnknown: 'unknown',
};

/** `mutuo_notification_deliveries_total{channel,outcome}`: counted where a send's outcome or receipt is recorded. */
@Injectable()
export class DeliveryMetrics {
  private readonly deliveries: Counter<'channel' | 'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: MetricsRegistry) {
    this.deliveries = new Counter({
      name: 'mutuo_notification_deliveries_total',
      help: 'Delivery attempts by channel and outcome (sent, retrying, failed, unknown) and provider receipts (delivered, undelivered)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    for (const channel of DELIVERY_CHANNELS) for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ channel, outcome }, 0);
  }

  /** The outcome the recorded events say, the first that names one (a failure also appends its fallback's decision). */
  countRecorded(channel: DeliveryChannel, events: readonly StoredEvent[]): void {
    const outcome = events.map((event) => OUTCOME_OF_EVENT[event.type]).find((candidate) => candidate !== undefined);
    if (outcome) this.deliveries.inc({ channel, outcome });
  }

  countReceipt(channel: DeliveryChannel, status: 'delivered' | 'undelivered'): void {
    this.deliveries.inc({ channel, outcome: status });
  }
}
