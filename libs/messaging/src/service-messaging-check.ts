import type { JetStreamManager } from '@nats-io/jetstream';
import type { MessagingLogger } from './logger';
import { consumerInfo, createStream, streamInfo, type ConsumerPlan } from './provisioning';
import { streamsApplyCommand, type ServiceMessagingPlan } from './service-messaging-plan';
import { consumerCreateConfig, consumerDrift, consumerFilters, streamDrift, undeliveredFilters, type ConsumerSettings } from './stream-specs';

/** A service cannot start: JetStream lacks a stream or consumer it needs. The message is one line for the operator. */
export class NatsProvisioningError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`NATS is not provisioned for ${service}: ${problems.join('; ')}. Run: ${streamsApplyCommand(service)}`);
    this.name = 'NatsProvisioningError';
  }
}

export interface MessagingCheckOptions {
  /**
   * Outside production, what is missing is created with the configured settings (a development convenience, logged).
   * In production nothing is created: the service refuses to start.
   */
  readonly createMissing: boolean;
  readonly logger: MessagingLogger;
}

/**
 * The start check: every stream and durable consumer the service needs must exist. It never changes an existing
 * stream or consumer; settings that differ from configuration are logged as drift for `streams apply` to fix. A
 * consumer that does not deliver a type the code handles is a refusal, not drift: those handlers would never run.
 */
export async function checkServiceMessaging(jsm: JetStreamManager, plan: ServiceMessagingPlan, options: MessagingCheckOptions): Promise<void> {
  const problems: string[] = [];
  const missingStreams = new Set<string>();
  for (const needed of plan.streams) {
    const existing = await streamInfo(jsm, needed.spec.name);
    if (existing) {
      const drift = streamDrift(existing.config, needed.spec);
      if (drift.length) {
        options.logger.warn(
          `NATS stream ${needed.spec.name} differs from configuration (left as it is; ${streamsApplyCommand(needed.owner ?? plan.service)} changes it)`,
          {
            stream: needed.spec.name,
            drift,
          },
        );
      }
    } else if (options.createMissing) {
      await createStream(jsm, needed.spec);
      options.logger.info(`Created missing NATS stream ${needed.spec.name} (development only; production runs streams apply)`, { stream: needed.spec.name });
    } else {
      problems.push(`stream ${needed.spec.name} is missing`);
      missingStreams.add(needed.spec.name);
    }
  }
  for (const consumer of plan.consumers) {
    if (missingStreams.has(consumer.stream)) continue;
    const problem = await checkConsumer(jsm, consumer, plan.consumerSettings, options);
    if (problem) problems.push(problem);
  }
  if (problems.length) throw new NatsProvisioningError(plan.service, problems);
}

/**
 * Checks one durable consumer (at start, and again when the consumer vanishes under a running service): the problem
 * that forbids consuming, or undefined. Creates it when missing and `createMissing`.
 */
export async function checkConsumer(
  jsm: JetStreamManager,
  consumer: ConsumerPlan,
  settings: ConsumerSettings,
  options: MessagingCheckOptions,
): Promise<string | undefined> {
  const existing = await consumerInfo(jsm, consumer.stream, consumer.durable);
  if (!existing) {
    if (!options.createMissing) return `consumer ${consumer.durable} on ${consumer.stream} is missing`;
    await jsm.consumers.add(consumer.stream, consumerCreateConfig(consumer, settings));
    options.logger.info(`Created missing NATS consumer ${consumer.durable} on ${consumer.stream} (development only; production runs streams apply)`, {
      stream: consumer.stream,
      durable: consumer.durable,
    });
    return undefined;
  }
  const undelivered = undeliveredFilters(existing.config, consumer);
  if (undelivered.length) {
    return `consumer ${consumer.durable} on ${consumer.stream} filters ${consumerFilters(existing.config).join(',') || 'nothing'}, not ${undelivered.join(',')} which the code handles`;
  }
  const drift = consumerDrift(existing.config, consumer, settings);
  if (drift.length) {
    options.logger.warn(`NATS consumer ${consumer.durable} on ${consumer.stream} differs from the code (left as it is; streams apply changes it)`, {
      stream: consumer.stream,
      durable: consumer.durable,
      drift,
    });
  }
  return undefined;
}
