import type { EntityManager } from '@mikro-orm/postgresql';
import { ContractRegistry, contractRegistry, parseContractType } from '@mutuo/contracts';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelay, type BackoffOptions } from './backoff';
import { parseCloudEvent, type CloudEventParseResult, type MutuoCloudEvent } from './cloud-event';
import { publishDeadLetter, type FailureKind } from './dead-letter';
import { eventContext, type EventContext } from './event-context';
import { handleOnce } from './inbox';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import {
  ensureConsumer,
  ensureStreams,
  planConsumers,
  supportsMultipleFilterSubjects,
  type ConsumerPlan,
  type EnsureStreamsOptions,
} from './provisioning';
import type { DeliveryInfo, EventHandler, ReceivedEvent } from './received-event';
import { DEFAULT_SUBJECT_PREFIX, assertSubjectToken, parseEventSubject } from './subjects';

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
  /** Deliveries before a failing message is dead-lettered. Default 5. */
  readonly maxDeliveries?: number;
  /** Delay before redelivering a failed message, growing with the delivery count. Default 1 s doubling to 60 s. */
  readonly retryBackoff?: BackoffOptions;
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
  readonly inFlight: number;
  readonly handled: number;
  readonly duplicates: number;
  readonly retried: number;
  readonly deadLettered: number;
  readonly skipped: number;
  readonly consumers: readonly { readonly stream: string; readonly durable: string; readonly filterSubjects: readonly string[] }[];
}

const RESTART_DELAY = { initialMs: 500, maxMs: 15_000 } satisfies BackoffOptions;

/**
 * Pulls integration events from JetStream durable consumers and hands each to its handler exactly
 * once per consumer (inbox table), in order per aggregate, with retries and a dead-letter stream.
 * This is the framework-free core; JetStreamServer adapts it to NestJS.
 */
export class EventConsumer {
  private readonly prefix: string;
  private readonly consumerName: string;
  private readonly registry: ContractRegistry;
  private readonly maxDeliveries: number;
  private readonly retryBackoff: BackoffOptions;
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly publishTimeoutMs: number;
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
  private readonly counters = { handled: 0, duplicates: 0, retried: 0, deadLettered: 0, skipped: 0 };

  constructor(private readonly options: EventConsumerOptions) {
    this.prefix = assertSubjectToken(options.prefix ?? DEFAULT_SUBJECT_PREFIX, 'prefix');
    this.consumerName = assertSubjectToken(options.consumer, 'consumer');
    this.registry = options.registry ?? contractRegistry;
    this.maxDeliveries = positiveInteger(options.maxDeliveries ?? 5, 'maxDeliveries');
    this.retryBackoff = { initialMs: 1_000, maxMs: 60_000, ...options.retryBackoff };
    this.concurrency = positiveInteger(options.concurrency ?? 4, 'concurrency');
    this.ackWaitMs = positiveInteger(options.ackWaitMs ?? 30_000, 'ackWaitMs');
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.logger = options.logger ?? stderrLogger;
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
    if (!this.options.nats.isClosed()) await this.options.nats.flush().catch(() => undefined);
    this.started = false;
  }

  stats(): EventConsumerStats {
    return {
      running: this.started && !this.closing,
      inFlight: this.inFlight.size,
      ...this.counters,
      consumers: this.plans.map((plan) => ({ stream: plan.stream, durable: plan.durable, filterSubjects: plan.filterSubjects })),
    };
  }

  private async provision(plan: ConsumerPlan): Promise<void> {
    const streamSettings = typeof this.options.provision === 'object' ? this.options.provision : {};
    await ensureStreams(this.jsm!, { ...streamSettings, prefix: this.prefix, services: [plan.service] });
    // The server's own cap sits above ours, so a message is dead-lettered by us before the server gives up on it.
    await ensureConsumer(this.jsm!, plan, { ackWaitMs: this.ackWaitMs, maxDeliver: this.maxDeliveries + 2 });
  }

  private async consumeLoop(plan: ConsumerPlan): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        const consumer = await this.js!.consumers.get(plan.stream, plan.durable);
        const messages = await consumer.consume({ max_messages: Math.max(this.concurrency * 2, 8) });
        this.subscriptions.add(messages);
        void this.watchNotifications(messages, plan);
        failures = 0;
        try {
          for await (const msg of messages) {
            await this.acquireSlot();
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
      .then(() => this.process(msg, parsed, plan))
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

  private async process(msg: JsMsg, parsed: CloudEventParseResult, plan: ConsumerPlan): Promise<void> {
    const delivery: DeliveryInfo = {
      consumer: this.consumerName,
      stream: msg.info.stream,
      streamSequence: msg.info.streamSequence,
      deliveryCount: msg.info.deliveryCount,
      natsSubject: msg.subject,
    };
    if (!parsed.ok) return this.deadLetter(msg, delivery, 'invalid-envelope', parsed.reason);
    const cloudEvent = parsed.event;
    const routing = checkRouting(msg.subject, cloudEvent);
    if (routing) return this.deadLetter(msg, delivery, 'invalid-envelope', routing, cloudEvent);
    const handler = this.options.handlers.get(cloudEvent.type);
    if (!handler) {
      const unhandled = this.classifyUnhandled(cloudEvent.type, plan);
      if (unhandled) return this.deadLetter(msg, delivery, unhandled.kind, unhandled.reason, cloudEvent);
      this.counters.skipped++;
      msg.ack();
      return;
    }
    const contract = this.registry.parse(cloudEvent.type, cloudEvent.data);
    if (!contract.ok) return this.deadLetter(msg, delivery, contract.reason, contract.message, cloudEvent);

    const podId = cloudEvent.podid ?? null;
    const correlationId = cloudEvent.correlationid ?? cloudEvent.id;
    const context: EventContext = {
      eventId: cloudEvent.id,
      eventType: cloudEvent.type,
      podId,
      regionId: cloudEvent.regionid,
      correlationId,
      causationId: cloudEvent.id,
      actorId: cloudEvent.actorid,
      consumer: this.consumerName,
    };
    const stillWorking = setInterval(() => msg.working(), Math.max(1_000, Math.floor(this.ackWaitMs / 2)));
    try {
      const handled = await eventContext.run(context, () =>
        handleOnce(this.options.entityManager, { consumer: this.consumerName, eventId: cloudEvent.id, podId }, (tx) =>
          handler(this.received(cloudEvent, contract.data, tx, delivery, podId, correlationId)),
        ),
      );
      msg.ack();
      if (handled) this.counters.handled++;
      else this.counters.duplicates++;
    } catch (error) {
      const reason = errorMessage(error);
      if (delivery.deliveryCount >= this.maxDeliveries) {
        return this.deadLetter(msg, delivery, 'handler-failed', `Handler failed ${delivery.deliveryCount} times: ${reason}`, cloudEvent);
      }
      const delayMs = backoffDelay(delivery.deliveryCount, this.retryBackoff);
      this.counters.retried++;
      this.logger.warn('Event handler failed; will retry', {
        consumer: this.consumerName,
        type: cloudEvent.type,
        eventId: cloudEvent.id,
        deliveryCount: delivery.deliveryCount,
        retryInMs: delayMs,
        error: reason,
      });
      msg.nak(delayMs);
    } finally {
      clearInterval(stillWorking);
    }
  }

  /**
   * A type without a handler: another version of an event we handle is a version we cannot read yet
   * (dead-letter it, to replay once supported); another event entirely is skipped when the filter is
   * service-wide, and a routing error otherwise.
   */
  private classifyUnhandled(type: string, plan: ConsumerPlan): { kind: FailureKind; reason: string } | null {
    const parts = parseContractType(type);
    const handledVersions = [...this.options.handlers.keys()]
      .map((handled) => parseContractType(handled))
      .filter((handled) => handled && parts && handled.service === parts.service && handled.name === parts.name)
      .map((handled) => `v${handled!.version}`);
    if (handledVersions.length > 0) {
      return { kind: 'unknown-version', reason: `${type}: this consumer handles only ${handledVersions.join(', ')}` };
    }
    if (plan.receivesUnhandledTypes) return null;
    return { kind: 'unknown-type', reason: `${type} is not handled by consumer ${this.consumerName}` };
  }

  private received(
    cloudEvent: MutuoCloudEvent,
    data: unknown,
    em: EntityManager,
    delivery: DeliveryInfo,
    podId: string | null,
    correlationId: string,
  ): ReceivedEvent {
    return {
      id: cloudEvent.id,
      type: cloudEvent.type,
      source: cloudEvent.source,
      subject: cloudEvent.subject,
      time: cloudEvent.time,
      podId,
      regionId: cloudEvent.regionid,
      correlationId,
      causationId: cloudEvent.causationid ?? null,
      actorId: cloudEvent.actorid,
      streamVersion: cloudEvent.streamversion,
      data,
      em,
      delivery,
      cloudEvent: { ...cloudEvent, data },
    };
  }

  private async deadLetter(
    msg: JsMsg,
    delivery: DeliveryInfo,
    kind: FailureKind,
    reason: string,
    cloudEvent?: MutuoCloudEvent,
  ): Promise<void> {
    try {
      await publishDeadLetter(
        this.js!,
        this.prefix,
        {
          kind,
          reason,
          consumer: this.consumerName,
          deliveryCount: delivery.deliveryCount,
          originalSubject: delivery.natsSubject,
          originalStream: delivery.stream,
          originalSequence: delivery.streamSequence,
          eventId: cloudEvent?.id,
          eventType: cloudEvent?.type,
          body: msg.data,
        },
        this.publishTimeoutMs,
      );
    } catch (error) {
      // Keep the message until the dead-letter stream has it.
      this.logger.error('Could not dead-letter a message; will retry', {
        consumer: this.consumerName,
        kind,
        reason,
        error: errorMessage(error),
      });
      msg.nak(backoffDelay(delivery.deliveryCount, this.retryBackoff));
      return;
    }
    // No reason text: nats-server 2.9 does not parse "+TERM <reason>" and would leave the message pending.
    msg.term();
    this.counters.deadLettered++;
    this.logger.warn('Message dead-lettered', {
      consumer: this.consumerName,
      kind,
      reason,
      subject: delivery.natsSubject,
      streamSequence: delivery.streamSequence,
      eventId: cloudEvent?.id,
    });
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
}

/**
 * The subject is what NATS permissions are checked against, so the event inside must agree with it:
 * otherwise a publisher allowed on one pod's subjects could slip in another pod's event.
 */
function checkRouting(natsSubject: string, event: MutuoCloudEvent): string | null {
  const subject = parseEventSubject(natsSubject);
  if (!subject) return `Subject ${natsSubject} does not follow <prefix>.evt.<region>.<pod>.<service>.<name>.v<version>`;
  if (subject.type !== event.type) return `Subject ${natsSubject} carries type ${subject.type}, but the event says ${event.type}`;
  if (subject.podId !== (event.podid ?? null)) {
    return `Subject ${natsSubject} names pod ${subject.podId ?? '(none)'}, but the event says ${event.podid ?? '(none)'}`;
  }
  if (subject.region !== event.regionid) {
    return `Subject ${natsSubject} names region ${subject.region}, but the event says ${event.regionid}`;
  }
  return null;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${String(value)})`);
  return value;
}
