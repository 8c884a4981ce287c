import { planConsumers, type ConsumerPlan } from './provisioning';
import { DEFAULT_CONSUMER_SETTINGS, deadLetterStreamSpec, eventStreamSpec, type ConsumerSettings, type StreamSettings, type StreamSpec } from './stream-specs';
import { assertSubjectToken } from './subjects';

/** A stream one service needs, and why. */
export interface NeededStream {
  readonly spec: StreamSpec;
  /** `own` (it publishes there), `dead-letters`, or `producer` (it reads another service's events there). */
  readonly role: 'own' | 'dead-letters' | 'producer';
  /** The service that owns the stream; its `streams apply` keeps the stream's settings. */
  readonly owner: string | null;
}

/** What one service needs from JetStream: the same for `streams apply`, `streams status` and the start check. */
export interface ServiceMessagingPlan {
  readonly service: string;
  readonly prefix: string;
  readonly streams: readonly NeededStream[];
  readonly consumers: readonly ConsumerPlan[];
  readonly consumerSettings: ConsumerSettings;
}

export interface ServiceMessagingPlanOptions {
  readonly prefix: string;
  readonly service: string;
  /** The contract types the service's `@EventPattern` handlers take (see eventPatternTypes). */
  readonly consumedTypes: readonly string[];
  readonly settings: StreamSettings;
  /** From the server's version (supportsMultipleFilterSubjects). */
  readonly multipleFilterSubjects: boolean;
  readonly consumerSettings?: ConsumerSettings;
}

export function serviceMessagingPlan(options: ServiceMessagingPlanOptions): ServiceMessagingPlan {
  const service = assertSubjectToken(options.service, 'service');
  const consumers = options.consumedTypes.length
    ? planConsumers(options.prefix, service, options.consumedTypes, { multipleFilterSubjects: options.multipleFilterSubjects })
    : [];
  const streams: NeededStream[] = [
    { spec: eventStreamSpec(options.prefix, service, options.settings), role: 'own', owner: service },
    { spec: deadLetterStreamSpec(options.prefix, options.settings), role: 'dead-letters', owner: null },
  ];
  for (const consumer of consumers) {
    if (consumer.service === service) continue;
    streams.push({ spec: eventStreamSpec(options.prefix, consumer.service, options.settings), role: 'producer', owner: consumer.service });
  }
  return { service, prefix: options.prefix, streams, consumers, consumerSettings: options.consumerSettings ?? DEFAULT_CONSUMER_SETTINGS };
}

/** The command that brings a service's streams and consumers in line, as docs/operations.md spells it. */
export function streamsApplyCommand(service: string): string {
  return `npm run mutuo -- ${service} streams apply`;
}
