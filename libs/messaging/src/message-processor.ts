import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContractRegistry } from '@mutuo/contracts';
import { classifyTransientError } from '@mutuo/platform';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { CloudEventParseResult, MutuoCloudEvent } from './cloud-event';
import { publishDeadLetter, type FailureKind } from './dead-letter';
import type { DependencyGate } from './dependency-gate';
import { eventContext, type EventContext } from './event-context';
import type { EventConsumerObserver } from './event-consumer.observer';
import { handleOnce } from './inbox';
import { errorMessage, type MessagingLogger } from './logger';
import { checkRouting, classifyUnhandled } from './message-checks';
import type { ConsumerPlan } from './provisioning';
import type { DeliveryInfo, EventHandler, ReceivedEvent } from './received-event';
import { RefusalCounts } from './refusal-count';
import { handleTraced } from './tracing/message-tracing';

export interface MessageProcessorSettings {
  readonly consumer: string;
  readonly prefix: string;
  readonly registry: ContractRegistry;
  readonly handlers: ReadonlyMap<string, EventHandler>;
  readonly entityManager: EntityManager;
  readonly maxDeliveries: number;
  readonly retryBackoff: BackoffOptions;
  readonly transientRetryBackoff: BackoffOptions;
  readonly databaseGate: DependencyGate;
  readonly ackWaitMs: number;
  readonly publishTimeoutMs: number;
  readonly logger: MessagingLogger;
  readonly js: () => JetStreamClient;
  readonly observer?: EventConsumerObserver;
}

/** What the processor needs to know of the consumer it works for. */
export interface ConsumerLifecycle {
  isClosing(): boolean;
  /** A pause that ends early when the consumer closes. */
  sleep(ms: number): Promise<void>;
  /** Waits for `work`, or less if the consumer closes first. */
  untilClosedOr(work: Promise<unknown>): Promise<void>;
}

export interface ProcessingCounters {
  handled: number;
  duplicates: number;
  retried: number;
  transientFailures: number;
  deadLettered: number;
  skipped: number;
}

/**
 * What happens to one delivered message: checks, then the handler in the inbox transaction, then ack. A message
 * that fails on an unavailable dependency is held (kept alive with `working()`) and tried again once the database
 * answers, for as long as that takes; only the handler's own refusals count toward dead-lettering.
 */
export class MessageProcessor {
  readonly counters: ProcessingCounters = { handled: 0, duplicates: 0, retried: 0, transientFailures: 0, deadLettered: 0, skipped: 0 };
  private readonly refusals = new RefusalCounts();

  constructor(
    private readonly settings: MessageProcessorSettings,
    private readonly lifecycle: ConsumerLifecycle,
  ) {}

  async process(msg: JsMsg, parsed: CloudEventParseResult, plan: ConsumerPlan): Promise<void> {
    const delivery: DeliveryInfo = {
      consumer: this.settings.consumer,
      stream: msg.info.stream,
      streamSequence: msg.info.streamSequence,
      deliveryCount: msg.info.deliveryCount,
      natsSubject: msg.subject,
    };
    if (msg.info.redelivered) this.settings.observer?.redelivered();
    if (!parsed.ok) return this.deadLetter(msg, delivery, 'invalid-envelope', parsed.reason);
    const cloudEvent = parsed.event;
    const routing = checkRouting(msg.subject, cloudEvent);
    if (routing) return this.deadLetter(msg, delivery, 'invalid-envelope', routing, cloudEvent);
    const handler = this.settings.handlers.get(cloudEvent.type);
    if (!handler) {
      const unhandled = classifyUnhandled(cloudEvent.type, this.settings.handlers.keys(), plan, this.settings.consumer);
      if (unhandled) return this.deadLetter(msg, delivery, unhandled.kind, unhandled.reason, cloudEvent);
      this.counters.skipped++;
      msg.ack();
      return;
    }
    const contract = this.settings.registry.parse(cloudEvent.type, cloudEvent.data);
    if (!contract.ok) return this.deadLetter(msg, delivery, contract.reason, contract.message, cloudEvent);

    const context: EventContext = {
      eventId: cloudEvent.id,
      eventType: cloudEvent.type,
      podId: cloudEvent.podid ?? null,
      regionId: cloudEvent.regionid,
      correlationId: cloudEvent.correlationid ?? cloudEvent.id,
      causationId: cloudEvent.id,
      actorId: cloudEvent.actorid,
      consumer: this.settings.consumer,
    };
    for (let attempt = 1; ; attempt++) {
      const failure = await this.handle(msg, handler, cloudEvent, contract.data, delivery, context);
      if (failure === undefined) {
        this.refusals.forget(delivery.stream, delivery.streamSequence);
        return;
      }
      const reason = errorMessage(failure);
      const transient = classifyTransientError(failure);
      if (transient) {
        // Not the handler's refusal: the same delivery is tried again once the dependency is back, for as long as it takes.
        this.counters.transientFailures++;
        if (transient.kind !== 'contention') this.settings.databaseGate.reportUnavailable(failure);
        const delayMs = backoffDelay(attempt, this.settings.transientRetryBackoff);
        if (attempt === 1 || attempt % 20 === 0) {
          this.settings.logger.warn('Event handling hit an unavailable dependency; holding the message to retry', {
            consumer: this.settings.consumer,
            eventId: cloudEvent.id,
            attempt,
            failure: transient,
            error: reason,
          });
        }
        await this.keepAliveUntil(msg, Promise.all([this.lifecycle.sleep(delayMs), this.settings.databaseGate.whenOpen()]));
        if (this.lifecycle.isClosing()) {
          // Handed back to be handled later, by this service or another instance; not a refusal either.
          msg.nak();
          return;
        }
        continue;
      }
      const refusals = this.refusals.add(delivery.stream, delivery.streamSequence);
      if (refusals >= this.settings.maxDeliveries) {
        this.refusals.forget(delivery.stream, delivery.streamSequence);
        return this.deadLetter(msg, delivery, 'handler-failed', `Handler failed ${refusals} times: ${reason}`, cloudEvent);
      }
      const delayMs = backoffDelay(refusals, this.settings.retryBackoff);
      this.counters.retried++;
      this.settings.observer?.refused(cloudEvent.type);
      this.settings.logger.warn('Event handler failed; will retry', {
        consumer: this.settings.consumer,
        type: cloudEvent.type,
        eventId: cloudEvent.id,
        refusals,
        deliveryCount: delivery.deliveryCount,
        retryInMs: delayMs,
        error: reason,
      });
      msg.nak(delayMs);
      return;
    }
  }

  /** Runs the handler once in the inbox transaction and acknowledges it; returns the error when it failed. */
  private async handle(
    msg: JsMsg,
    handler: EventHandler,
    cloudEvent: MutuoCloudEvent,
    data: unknown,
    delivery: DeliveryInfo,
    context: EventContext,
  ): Promise<unknown> {
    const stillWorking = setInterval(() => msg.working(), this.keepAliveMs());
    const startedAt = performance.now();
    try {
      const handled = await handleTraced(cloudEvent, delivery, () =>
        eventContext.run(context, () =>
          handleOnce(this.settings.entityManager, { consumer: this.settings.consumer, eventId: cloudEvent.id, podId: context.podId }, (tx) =>
            handler(this.received(cloudEvent, data, tx, delivery, context.podId, context.correlationId)),
          ),
        ),
      );
      msg.ack();
      if (handled) this.counters.handled++;
      else this.counters.duplicates++;
      this.settings.observer?.handled(cloudEvent.type, (performance.now() - startedAt) / 1000, !handled);
      return undefined;
    } catch (error) {
      return error ?? new Error('The handler failed without an error');
    } finally {
      clearInterval(stillWorking);
    }
  }

  /** Tells JetStream the message is still being worked on until `until` settles or the consumer closes. */
  async keepAliveUntil(msg: JsMsg, until: Promise<unknown>): Promise<void> {
    const stillWorking = setInterval(() => msg.working(), this.keepAliveMs());
    try {
      await this.lifecycle.untilClosedOr(until);
    } finally {
      clearInterval(stillWorking);
    }
  }

  private keepAliveMs(): number {
    return Math.max(1_000, Math.floor(this.settings.ackWaitMs / 2));
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

  private async deadLetter(msg: JsMsg, delivery: DeliveryInfo, kind: FailureKind, reason: string, cloudEvent?: MutuoCloudEvent): Promise<void> {
    try {
      await publishDeadLetter(
        this.settings.js(),
        this.settings.prefix,
        {
          kind,
          reason,
          consumer: this.settings.consumer,
          deliveryCount: delivery.deliveryCount,
          originalSubject: delivery.natsSubject,
          originalStream: delivery.stream,
          originalSequence: delivery.streamSequence,
          eventId: cloudEvent?.id,
          eventType: cloudEvent?.type,
          body: msg.data,
        },
        this.settings.publishTimeoutMs,
      );
    } catch (error) {
      // Keep the message until the dead-letter stream has it.
      this.settings.logger.error('Could not dead-letter a message; will retry', {
        consumer: this.settings.consumer,
        kind,
        reason,
        error: errorMessage(error),
      });
      msg.nak(backoffDelay(delivery.deliveryCount, this.settings.retryBackoff));
      return;
    }
    // No reason text: nats-server 2.9 does not parse "+TERM <reason>" and would leave the message pending.
    msg.term();
    this.counters.deadLettered++;
    this.settings.observer?.deadLettered(kind);
    this.settings.logger.warn('Message dead-lettered', {
      consumer: this.settings.consumer,
      kind,
      reason,
      subject: delivery.natsSubject,
      streamSequence: delivery.streamSequence,
      eventId: cloudEvent?.id,
    });
  }
}
