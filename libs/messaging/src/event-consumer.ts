import type { EntityManager } from '@mikro-orm/postgresql';
import { ContractRegistry, contractRegistry } from '@mutuo/contracts';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay, type BackoffOptions } from './backoff';
import { parseCloudEvent } from './cloud-event';
import { DependencyGate } from './dependency-gate';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import { MessageProcessor } from './message-processor';
import {
  ensureConsumer,
  ensureStreams,
  planConsumers,
  supportsMultipleFilterSubjects,
  type ConsumerPlan,
  type EnsureStreamsOptions,
} from './provisioning';
import type { EventHandler } from './received-event';
import { DEFAULT_SUBJECT_PREFIX, assertSubjectToken } from './subjects';

export interface EventConsumerOptions {
  readonly nats: NatsConnection;
  /** Durable consumer name and inbox key, e.g. the consuming service's name. */
  readonly consumer: string;
  /** The root EntityManager; every message is handled on a fork of it. */
  readonly entityManager: EntityManager;
  /** Handlers by contract type. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly handlers: ReadonlyMap<string, EventHandler<any>>;
  readonly prefix?: string;
  readonly registry?: ContractRegistry;
  /**
   * Refusals by the handler before a message is dead-lettered. Default 5. Infrastructure failures (see
   * classifyTransientError) are not refusals: they are retried for as long as the outage lasts.
   */
  readonly maxDeliveries?: number;
  /** Delay before redelivering a refused message, growing with the refusals. Default 1 s doubling to 60 s. */
  readonly retryBackoff?: BackoffOptions;
  /** Delay before retrying a message after an infrastructure failure, on top of waiting for the database. Default 250 ms doubling to 10 s. */
  readonly transientRetryBackoff?: BackoffOptions;
  /**
   * Open while the database answers; closed, every consumer loop stops pulling and held messages wait. Defaults to
   * one probing the entity manager's database; pass one to share it with other workers of the service.
   */
  readonly databaseGate?: DependencyGate;
  /** Messages handled at once (messages of one aggregate always one after another). Default 4. */
  readonly concurrency?: number;
  readonly ackWaitMs?: number;
  /** Create streams and consumers at start (default). Pass stream settings to override their defaults. */
  readonly provision?: boolean | Omit<EnsureStreamsOptions, 'prefix' | 'services'>;
  readonly publishTimeoutMs?: number;
  readonly logger?: MessagingLogger;
}

export interface EventConsumerStats {
  readonly running: boolean;
  /** True while the database is unavailable: nothing is pulled or handled until it answers. */
  readonly paused: boolean;
  readonly inFlight: number;
  readonly handled: number;
  readonly duplicates: number;
  /** Refusals by a handler, retried later. */
  readonly retried: number;
  /** Attempts that failed on an unavailable dependency; they count toward nothing. */
  readonly transientFailures: number;
  readonly deadLettered: number;
  readonly skipped: number;
  readonly consumers: readonly { readonly stream: string; readonly durable: string; readonly filterSubjects: readonly string[] }[];
}

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
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  private activeSlots = 0;
  private readonly sleepers = new Set<() => void>();
  private readonly reprovisioning = new Set<string>();
  private started = false;
  private closing = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.prefix = assertSubjectToken(options.prefix ?? DEFAULT_SUBJECT_PREFIX, 'prefix');
    this.consumerName = assertSubjectToken(options.consumer, 'consumer');
    this.registry = options.registry ?? contractRegistry;
    this.retryBackoff = { initialMs: 1_000, maxMs: 60_000, ...options.retryBackoff };
    this.concurrency = positiveInteger(options.concurrency ?? 4, 'concurrency');
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
      { isClosing: () => this.closing, sleep: (ms) => this.sleep(ms), untilClosedOr: (work) => this.untilClosedOr(work) },
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
    for (const wake of this.sleepers) wake();
    await Promise.allSettled([...this.subscriptions].map((messages) => messages.close()));
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.inFlight]);
    this.loops.length = 0;
    if (this.ownsDatabaseGate) this.databaseGate.dispose();
    if (!this.options.nats.isClosed()) await this.options.nats.flush().catch(() => undefined);
    this.started = false;
  }

  stats(): EventConsumerStats {
    return {
      running: this.started && !this.closing,
      paused: !this.databaseGate.isOpen,
      inFlight: this.inFlight.size,
      ...this.processor.counters,
      consumers: this.plans.map((plan) => ({ stream: plan.stream, durable: plan.durable, filterSubjects: plan.filterSubjects })),
    };
  }

  private async provision(plan: ConsumerPlan): Promise<void> {
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
            await this.acquireSlot();
            // While the database is down, pull nothing more: this message waits, kept alive, until it is back.
            if (!this.databaseGate.isOpen) await this.processor.keepAliveUntil(msg, this.databaseGate.whenOpen());
            if (this.closing) {
              this.releaseSlot();
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
        await this.sleep(backoffDelay(failures, RESTART_DELAY));
      }
    }
  }

  private async watchNotifications(messages: ConsumerMessages, plan: ConsumerPlan): Promise<void> {
    try {
      for await (const notification of messages.status()) {
        if (
          notification.type === 'consumer_deleted' ||
          notification.type === 'consumer_not_found' ||
          notification.type === 'stream_not_found'
        ) {
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
    const previous = this.tails.get(key) ?? Promise.resolve();
    const task: Promise<void> = previous
      .then(() => this.processor.process(msg, parsed, plan))
      .catch((error) => {
        // process() handles its own failures; this is a last resort so a bug cannot stall the aggregate.
        this.logger.error('Unexpected error while processing a message', { consumer: this.consumerName, error: errorMessage(error) });
        msg.nak(backoffDelay(msg.info.deliveryCount, this.retryBackoff));
      })
      .finally(() => {
        this.releaseSlot();
        if (this.tails.get(key) === task) this.tails.delete(key);
        this.inFlight.delete(task);
      });
    this.tails.set(key, task);
    this.inFlight.add(task);
  }

  private async acquireSlot(): Promise<void> {
    if (this.activeSlots < this.concurrency) {
      this.activeSlots++;
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  /** Hands the slot straight to a waiter, or frees it. */
  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.activeSlots--;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Waits for `work`, or less if the consumer closes first. */
  private untilClosedOr(work: Promise<unknown>): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      work.then(wake, wake);
    });
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}
