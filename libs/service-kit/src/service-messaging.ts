import type { NatsConnection } from '@nats-io/transport-node';
import { eventPatternTypes, serviceMessagingPlan, supportsMultipleFilterSubjects, type ServiceMessagingPlan, type StreamSettings } from '@mutuo/messaging';
import type { ServiceDefinition } from './service-definition';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The validated variables (serviceConfigSchema) the messaging plan reads. */
export interface MessagingVariables {
  readonly NATS_PREFIX: string;
  readonly NATS_STREAM_REPLICAS: number;
  readonly NATS_STREAM_MAX_AGE_DAYS: number;
  readonly NATS_DEAD_LETTER_MAX_AGE_DAYS: number;
  readonly NATS_STREAM_STORAGE: 'file' | 'memory';
  readonly NATS_DUPLICATE_WINDOW_SECONDS: number;
}

/** The operator's stream settings (NATS_STREAM_* variables) as the messaging library takes them. */
export function streamSettingsFromConfig(config: MessagingVariables): StreamSettings {
  return {
    replicas: config.NATS_STREAM_REPLICAS,
    maxAgeMs: config.NATS_STREAM_MAX_AGE_DAYS * DAY_MS,
    deadLetterMaxAgeMs: config.NATS_DEAD_LETTER_MAX_AGE_DAYS * DAY_MS,
    storage: config.NATS_STREAM_STORAGE,
    duplicateWindowMs: config.NATS_DUPLICATE_WINDOW_SECONDS * 1000,
  };
}

/** The contract types the service's event handlers take, from its module's decorators; none when it consumes nothing. */
export function consumedEventTypes(definition: Pick<ServiceDefinition, 'module' | 'consumesEvents'>): string[] {
  return definition.consumesEvents ? eventPatternTypes(definition.module) : [];
}

/**
 * What the service needs from JetStream, from configuration and code: the same plan for the start check and for
 * `mutuo <service> streams apply|status`. The server decides how consumers filter (several subjects from 2.10).
 */
export function messagingPlanFor(
  definition: Pick<ServiceDefinition, 'name' | 'module' | 'consumesEvents'>,
  config: MessagingVariables,
  nc: NatsConnection,
): ServiceMessagingPlan {
  return serviceMessagingPlan({
    prefix: config.NATS_PREFIX,
    service: definition.name,
    consumedTypes: consumedEventTypes(definition),
    settings: streamSettingsFromConfig(config),
    multipleFilterSubjects: supportsMultipleFilterSubjects(nc),
  });
}
