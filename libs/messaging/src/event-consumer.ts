import { ContractRegistry, contractRegistry } from '@mutuo/contracts';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { backoffDelay, type BackoffOptions } from './backoff';
import { parseCloudEvent } from './cloud-event';
import { DependencyGate } from './dependency-gate';
import type { EventConsumerOptions, EventConsumerStats } from './event-consumer.types';
import { KeyedSerialDispatcher } from './keyed-serial-dispatcher';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import { MessageProcessor } from './message-processor';
import { ensureConsumer, ensureStreams, planConsumers, supportsMultipleFilterSubjects, type ConsumerPlan } from './provisioning';
import { DEFAULT_SUBJECT_PREFIX, assertSubjectToken } from './subjects';
import { WakeableSleeps } from './wakeable-sleeps';

export type { ConsumerProvisioner, EventConsumerOptions, EventConsumerStats } from './event-consumer.types';

const RESTART_DELAY = { initialMs: 500, maxMs: 15_000 } satisfies BackoffOptions;
/** JetStream's `max_deliver` for "no limit". */
const UNLIMITED_DELIVERIES = -1;

/**
 * Pulls integration events from JetStream durable consumers and hands each to its handler exactly
 * once per consumer (inbox table), in order per aggregate, with retries and a dead-letter stream.
 * This is the framework-free core; JetStreamServer adapts it to NestJS.
 */
export class EventConsumer {
  private readonly prefix: string;
  private readonly consumerName: string;
  private readonly registry: ContractRegistry;
  private readonly retryBackoff: BackoffOptions;
  private readonly databaseGate: DependencyGate;
  private readonly ownsDatabaseGate: boolean;
  private readonly processor: MessageProcessor;
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly logger: MessagingLogger;

  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private plans: ConsumerPlan[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly subscriptions = new Set<ConsumerMessages>();
  private readonly dispatcher: KeyedSerialDispatcher;
  private readonly sleeps = new WakeableSleeps(() => this.closing);
  private readonly reprovisioning = new Set<string>();
  private started = false;
  private closing = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.prefix = assertSubjectToken(options.prefix ?? DEFAULT_SUBJECT_PREFIX, 'prefix');
    this.consumerName = assertSubjectToken(options.consumer, 'consumer');
    this.registry = options.registry ?? contractRegistry;
    this.retryBackoff = { initialMs: 1_000, maxMs: 60_000, ...options.retryBackoff };
    this.concurrency = positiveInteger(options.concurrency ?? 4, 'concurrency');
    this.dispatcher = new KeyedSerialDispatcher(this.concurrency);
    this.ackWaitMs = positiveInteger(options.ackWaitMs ?? 30_000, 'ackWaitMs');
    this.logger = options.logger ?? stderrLogger;
    this.ownsDatabaseGate = !options.databaseGate;
    this.databaseGate =
      options.databaseGate ??
      new DependencyGate({
        dependency: `database of consumer ${this.consumerName}`,
        probe: async () => {
          await options.entityManager.getConnection().execute('select 1');
        },
        logger: this.logger,
      });
    this.processor = new MessageProcessor(
      {
        consumer: this.consumerName,
        prefix: this.prefix,
        registry: this.registry,
        handlers: options.handlers,
        entityManager: options.entityManager,
        maxDeliveries: positiveInteger(options.maxDeliveries ?? 5, 'maxDeliveries'),
        retryBackoff: this.retryBackoff,
        transientRetryBackoff: { initialMs: 250, maxMs: 10_000, ...options.transientRetryBackoff },
        databaseGate: this.databaseGate,
        ackWaitMs: this.ackWaitMs,
        publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
        logger: this.logger,
        js: () => this.js!,
      },
      { isClosing: () => this.closing, sleep: (ms) => this.sleeps.sleep(ms), untilClosedOr: (work) => this.sleeps.untilClosedOr(work) },
    );
  }

  /** Provisions the consumers and starts pulling. Fails fast on handlers for unknown contract types. */
  async start(): Promise<void> {
    if (this.started) return;
    const types = [...this.options.handlers.keys()];
    if (types.length === 0) throw new Error(`Consumer ${this.consumerName} has no event handlers`);
    for (const type of types) {
      const resolution = this.registry.resolve(type);
      if (!resolution.ok) throw new Error(`Consumer ${this.consumerName} handles ${type}, which has no contract: ${resolution.message}`);
    }
    const nc = this.options.nats;
    this.jsm = await jetstreamManager(nc);
    this.js = jetstream(nc);
    this.plans = planConsumers(this.prefix, this.consumerName, types, {
      multipleFilterSubjects: supportsMultipleFilterSubjects(nc),
    });
    if (this.options.provision !== false) {
      for (const plan of this.plans) await this.provision(plan);
    }
    this.started = true;
    this.closing = false;
    for (const plan of this.plans) this.loops.push(this.consumeLoop(plan));
    this.logger.info('Event consumer started', {
      consumer: this.consumerName,
      streams: this.plans.map((plan) => `${plan.stream}: ${plan.filterSubjects.join(', ')}`),
    });
  }

  /** Stops pulling, hands back messages not started yet, waits for handlers in progress and flushes their acks. */
  async close(): Promise<void> {
    if (!this.started || this.closing) return;
    this.closing = true;
    this.sleeps.wakeAll();
    await Promise.allSettled([...this.subscriptions].map((messages) => messages.close()));
    await Promise.allSettled(this.loops);
    await this.dispatcher.settled();
    this.loops.length = 0;
    if (this.ownsDatabaseGate) this.databaseGate.dispose();
    if (!this.options.nats.isClosed()) await this.options.nats.flush().catch(() => undefined);
    this.started = false;
  }

  stats(): EventConsumerStats {
    return {
      running: this.started && !this.closing,
      paused: !this.databaseGate.isOpen,
      inFlight: this.dispatcher.inFlight,
      ...this.processor.counters,
      consumers: this.plans.map((plan) => ({ stream: plan.stream, durable: plan.durable, filterSubjects: plan.filterSubjects })),
    };
  }

  private async provision(plan: ConsumerPlan): Promise<void> {
    if (typeof this.options.provision === 'function') return this.options.provision(plan);
    const streamSettings = typeof this.options.provision === 'object' ? this.options.provision : {};
    await ensureStreams(this.jsm!, { ...streamSettings, prefix: this.prefix, services: [plan.service] });
    // No server-side cap: JetStream counts redeliveries after outages and restarts too, and a server that gave up
    // would leave the message unhandled and not dead-lettered. Only our count of the handler's refusals decides.
    await ensureConsumer(this.jsm!, plan, { ackWaitMs: this.ackWaitMs, maxDeliver: UNLIMITED_DELIVERIES });
  }

  private async consumeLoop(plan: ConsumerPlan): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        const consumer = await this.js!.consumers.get(plan.stream, plan.durable);
        const messages = await consumer.consume({ max_messages: Math.max(this.concurrency * 2, 8) });
        this.subscriptions.add(messages);
        // close() may have run while this loop was still subscribing: it found nothing to close, so close it here.
        // Not awaited: the close settles only once the iterator below has been drained.
        if (this.closing) void messages.close().catch(() => undefined);
        void this.watchNotifications(messages, plan);
        failures = 0;
        try {
          for await (const msg of messages) {
            await this.dispatcher.acquireSlot();
            // While the database is down, pull nothing more: this message waits, kept alive, until it is back.
            if (!this.databaseGate.isOpen) await this.processor.keepAliveUntil(msg, this.databaseGate.whenOpen());
            if (this.closing) {
              this.dispatcher.releaseSlot();
              // Not started: give it back now rather than after ack_wait.
              msg.nak();
              continue;
            }
            this.dispatch(msg, plan);
          }
        } finally {
          this.subscriptions.delete(messages);
        }
        if (!this.closing) throw new Error('the message iterator ended unexpectedly');
      } catch (error) {
        if (this.closing) break;
        failures++;
        this.logger.warn('Event consumer stopped pulling; restarting', {
          consumer: this.consumerName,
          stream: plan.stream,
          error: errorMessage(error),
        });
        if (this.options.provision !== false) await this.provision(plan).catch(() => undefined);
        await this.sleeps.sleep(backoffDelay(failures, RESTART_DELAY));
      }
    }
  }

  private async watchNotifications(messages: ConsumerMessages, plan: ConsumerPlan): Promise<void> {
    try {
      for await (const notification of messages.status()) {
        if (notification.type === 'consumer_deleted' || notification.type === 'consumer_not_found' || notification.type === 'stream_not_found') {
          this.logger.warn(`JetStream consumer problem: ${notification.type}`, { consumer: this.consumerName, stream: plan.stream });
          this.reprovision(plan);
        } else if (notification.type === 'heartbeats_missed') {
          this.logger.warn('JetStream heartbeats missed', { consumer: this.consumerName, stream: plan.stream, count: notification.count });
        }
      }
    } catch {
      // The status iterator ends with its subscription.
    }
  }

  /** Re-creates a consumer or stream deleted under us, once at a time. */
  private reprovision(plan: ConsumerPlan): void {
    if (this.options.provision === false || this.closing || this.reprovisioning.has(plan.stream)) return;
    this.reprovisioning.add(plan.stream);
    this.provision(plan)
      .catch((error) => this.logger.warn('Re-creating consumer failed', { stream: plan.stream, error: errorMessage(error) }))
      .finally(() => this.reprovisioning.delete(plan.stream));
  }

  /** Runs a message after the previous message of the same aggregate, holding a concurrency slot already acquired. */
  private dispatch(msg: JsMsg, plan: ConsumerPlan): void {
    const parsed = parseCloudEvent(msg.data);
    const key = parsed.ok ? `${msg.info.stream}|${parsed.event.subject}` : `${msg.info.stream}#${msg.info.streamSequence}`;
    this.dispatcher.dispatch(key, async () => {
      try {
        await this.processor.process(msg, parsed, plan);
      } catch (error) {
        // process() handles its own failures; this is a last resort so a bug cannot stall the aggregate.
        this.logger.error('Unexpected error while processing a message', { consumer: this.consumerName, error: errorMessage(error) });
        msg.nak(backoffDelay(msg.info.deliveryCount, this.retryBackoff));
      }
    });
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}
