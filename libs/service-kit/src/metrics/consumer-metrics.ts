import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { FAILURE_KINDS, type EventConsumerObserver, type EventConsumerStats, type FailureKind } from '@mutuo/messaging';
import type { MetricsRegistry } from '@mutuo/platform';
import { Counter, Gauge, Histogram } from 'prom-client';
import { cachedReading, orLastValues } from './cached-reading';

const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Consumer info is asked of JetStream at most this often, and only when scraped: no timer runs while nobody looks. */
const LAG_TTL_MS = 10_000;
const JETSTREAM_API_TIMEOUT_MS = 2_000;

interface ConsumerLag {
  readonly stream: string;
  readonly consumer: string;
  readonly pending: number;
  readonly ackPending: number;
  readonly redelivered: number;
}

/**
 * The service's JetStream consumer: what its handlers did (counted as it happens, through the consumer's observer) and
 * how far each durable consumer is behind its stream (`num_pending`, asked of JetStream at scrape time, cached).
 */
export class ConsumerMetrics implements EventConsumerObserver {
  private readonly handledSeconds: Histogram<'event_type' | 'outcome'>;
  private readonly refusals: Counter<'event_type'>;
  private readonly redeliveries: Counter;
  private readonly deadLetters: Counter<'kind'>;
  private stats: (() => EventConsumerStats | undefined) | undefined;
  private manager: Promise<JetStreamManager> | undefined;

  constructor(
    registry: MetricsRegistry,
    private readonly nats: NatsConnection,
  ) {
    this.handledSeconds = new Histogram({
      name: 'mutuo_consumer_handled_seconds',
      help: 'Integration events handled by the consumer, by event type and outcome (handled, duplicate), with the handler time',
      labelNames: ['event_type', 'outcome'],
      buckets: HANDLER_BUCKETS,
      registers: [registry],
    });
    this.refusals = new Counter({
      name: 'mutuo_consumer_handler_failures_total',
      help: 'Times a handler refused an event (it is retried with backoff, and dead-lettered after the last refusal)',
      labelNames: ['event_type'],
      registers: [registry],
    });
    this.redeliveries = new Counter({
      name: 'mutuo_consumer_redeliveries_total',
      help: 'Messages JetStream delivered again (after a refusal, an ack timeout or a restart)',
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'mutuo_consumer_dead_letters_total',
      help: 'Messages moved to the dead-letter stream, by failure kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    // Present from the first scrape, so that an alert on increase() sees the first one.
    this.redeliveries.inc(0);
    for (const kind of FAILURE_KINDS) this.deadLetters.inc({ kind }, 0);
    const lags = orLastValues(cachedReading(LAG_TTL_MS, () => this.readLags()));
    const lagGauge = (name: string, help: string, read: (lag: ConsumerLag) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'consumer'],
        registers: [registry],
        async collect() {
          for (const lag of (await lags()) ?? []) this.set({ stream: lag.stream, consumer: lag.consumer }, read(lag));
        },
      });
    lagGauge(
      'mutuo_consumer_pending_messages',
      'Messages of the stream the durable consumer has not delivered yet (JetStream num_pending)',
      (lag) => lag.pending,
    );
    lagGauge(
      'mutuo_consumer_ack_pending_messages',
      'Messages delivered and not acknowledged yet (being handled, or waiting to be redelivered)',
      (lag) => lag.ackPending,
    );
    lagGauge(
      'mutuo_consumer_redelivered_messages',
      'Messages delivered more than once and not acknowledged yet (JetStream num_redelivered)',
      (lag) => lag.redelivered,
    );
  }

  /** The consumer to ask JetStream about, once it exists (the Nest microservice creates it). */
  observe(stats: () => EventConsumerStats | undefined): void {
    this.stats = stats;
  }

  handled(eventType: string, seconds: number, duplicate: boolean): void {
    this.handledSeconds.observe({ event_type: eventType, outcome: duplicate ? 'duplicate' : 'handled' }, seconds);
  }

  refused(eventType: string): void {
    this.refusals.inc({ event_type: eventType });
  }

  redelivered(): void {
    this.redeliveries.inc();
  }

  deadLettered(kind: FailureKind): void {
    this.deadLetters.inc({ kind });
  }

  /** Nothing while NATS is down: the last values stay, and mutuo_nats_connected says why they do not move. */
  private async readLags(): Promise<ConsumerLag[]> {
    const consumers = this.stats?.()?.consumers ?? [];
    if (consumers.length === 0 || this.nats.isClosed()) return [];
    const jsm = await (this.manager ??= jetstreamManager(this.nats, { timeout: JETSTREAM_API_TIMEOUT_MS }).catch((error: unknown) => {
      this.manager = undefined;
      throw error;
    }));
    const lags = await Promise.all(
      consumers.map(async ({ stream, durable }) => {
        const info = await jsm.consumers.info(stream, durable).catch(() => undefined);
        if (!info) return undefined;
        return { stream, consumer: durable, pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
      }),
    );
    return lags.filter((lag): lag is ConsumerLag => lag !== undefined);
  }
}
