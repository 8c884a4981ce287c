import { AckPolicy, DeliverPolicy, DiscardPolicy, ReplayPolicy, RetentionPolicy, type ConsumerConfig, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerPlan } from './provisioning';
import { deadLetterFilter, deadLetterStreamName, eventStreamName, serviceEventsFilter } from './subjects';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How the region's streams are kept: the operator's choice, from configuration (NATS_STREAM_* variables). */
export interface StreamSettings {
  /** Copies of each stream in the cluster: 1, or 3 (or 5) on a 3- (or 5-) node cluster. */
  readonly replicas: number;
  /** How long events stay in a service's stream; 0 keeps them forever. */
  readonly maxAgeMs: number;
  /** How long dead letters stay; 0 keeps them forever. */
  readonly deadLetterMaxAgeMs: number;
  readonly storage: 'file' | 'memory';
  /** Window in which JetStream drops a repeated `Nats-Msg-Id`. */
  readonly duplicateWindowMs: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  replicas: 1,
  maxAgeMs: 30 * DAY_MS,
  deadLetterMaxAgeMs: 90 * DAY_MS,
  storage: 'file',
  duplicateWindowMs: 2 * 60 * 1000,
};

/** One stream as the code and configuration want it. */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly description: string;
  readonly replicas: number;
  readonly maxAgeMs: number;
  readonly storage: 'file' | 'memory';
  readonly duplicateWindowMs: number;
}

export function eventStreamSpec(prefix: string, service: string, settings: StreamSettings): StreamSpec {
  return {
    name: eventStreamName(prefix, service),
    subjects: [serviceEventsFilter(prefix, service)],
    description: `Integration events published by ${service}`,
    replicas: settings.replicas,
    maxAgeMs: settings.maxAgeMs,
    storage: settings.storage,
    duplicateWindowMs: settings.duplicateWindowMs,
  };
}

export function deadLetterStreamSpec(prefix: string, settings: StreamSettings): StreamSpec {
  return {
    name: deadLetterStreamName(prefix),
    subjects: [deadLetterFilter(prefix)],
    description: 'Messages consumers could not handle, with the reason in headers',
    replicas: settings.replicas,
    maxAgeMs: settings.deadLetterMaxAgeMs,
    storage: settings.storage,
    duplicateWindowMs: settings.duplicateWindowMs,
  };
}

/** The settings an operator may change in place (storage and retention cannot change once a stream exists). */
export function streamUpdatableConfig(spec: StreamSpec): Partial<StreamConfig> {
  return {
    subjects: [...spec.subjects],
    description: spec.description,
    num_replicas: spec.replicas,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(effectiveDuplicateWindowMs(spec)),
  };
}

/** The whole configuration of a new stream. */
export function streamCreateConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    storage: spec.storage,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    ...streamUpdatableConfig(spec),
  };
}

/** JetStream refuses a duplicate window longer than the stream's max age. */
function effectiveDuplicateWindowMs(spec: StreamSpec): number {
  return spec.maxAgeMs > 0 ? Math.min(spec.duplicateWindowMs, spec.maxAgeMs) : spec.duplicateWindowMs;
}

/** How an existing stream differs from what is wanted, one phrase per setting; empty when it matches. */
export function streamDrift(config: StreamConfig, spec: StreamSpec): string[] {
  const drift: string[] = [];
  if (!sameSet(config.subjects ?? [], spec.subjects)) drift.push(`subjects ${(config.subjects ?? []).join(',')} (wanted ${spec.subjects.join(',')})`);
  if (config.storage !== spec.storage) drift.push(`storage ${config.storage} (wanted ${spec.storage})`);
  if (config.num_replicas !== spec.replicas) drift.push(`replicas ${config.num_replicas} (wanted ${spec.replicas})`);
  if (config.max_age !== nanos(spec.maxAgeMs)) drift.push(`max age ${duration(config.max_age)} (wanted ${duration(nanos(spec.maxAgeMs))})`);
  const window = nanos(effectiveDuplicateWindowMs(spec));
  if (config.duplicate_window !== window) drift.push(`duplicate window ${duration(config.duplicate_window)} (wanted ${duration(window)})`);
  return drift;
}

/** The consumer settings that are not the operator's choice; the same at start, in `streams apply` and in the consumer. */
export interface ConsumerSettings {
  /** How long a delivered message may stay unacknowledged before it is delivered again. */
  readonly ackWaitMs: number;
  /** The server-side delivery cap; -1 for none (only the consumer's own count of refusals dead-letters). */
  readonly maxDeliver: number;
  /** Messages delivered but not yet acknowledged, across all instances. */
  readonly maxAckPending: number;
}

export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = { ackWaitMs: 30_000, maxDeliver: -1, maxAckPending: 1_000 };

export function consumerFilterConfig(plan: ConsumerPlan): Pick<ConsumerConfig, 'filter_subject' | 'filter_subjects'> {
  return plan.filterSubjects.length === 1 ? { filter_subject: plan.filterSubjects[0] } : { filter_subjects: [...plan.filterSubjects] };
}

/** The settings `consumers.update` accepts. */
export function consumerUpdatableConfig(plan: ConsumerPlan, settings: ConsumerSettings): Partial<ConsumerConfig> {
  return {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: settings.maxAckPending,
    description: `Handles ${plan.types.join(', ')}`,
    ...consumerFilterConfig(plan),
  };
}

export function consumerCreateConfig(plan: ConsumerPlan, settings: ConsumerSettings): Partial<ConsumerConfig> {
  return {
    durable_name: plan.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ...consumerUpdatableConfig(plan, settings),
  };
}

export function consumerFilters(config: ConsumerConfig): string[] {
  return config.filter_subjects?.length ? config.filter_subjects : config.filter_subject ? [config.filter_subject] : [];
}

/** The plan's filter subjects an existing consumer does not deliver: the handlers of those types would never run. */
export function undeliveredFilters(config: ConsumerConfig, plan: ConsumerPlan): string[] {
  const filters = consumerFilters(config);
  return plan.filterSubjects.filter((wanted) => !filters.some((filter) => subjectCovers(filter, wanted)));
}

/** How an existing consumer differs from the plan, one phrase per setting; empty when it matches. */
export function consumerDrift(config: ConsumerConfig, plan: ConsumerPlan, settings: ConsumerSettings): string[] {
  const drift: string[] = [];
  const filters = consumerFilters(config);
  if (!sameSet(filters, plan.filterSubjects)) drift.push(`filters ${filters.join(',') || 'none'} (wanted ${plan.filterSubjects.join(',')})`);
  if (config.ack_wait !== nanos(settings.ackWaitMs)) drift.push(`ack wait ${duration(config.ack_wait ?? 0)} (wanted ${duration(nanos(settings.ackWaitMs))})`);
  if ((config.max_deliver ?? -1) !== settings.maxDeliver) drift.push(`max deliver ${config.max_deliver ?? -1} (wanted ${settings.maxDeliver})`);
  if (config.max_ack_pending !== settings.maxAckPending) drift.push(`max ack pending ${config.max_ack_pending} (wanted ${settings.maxAckPending})`);
  return drift;
}

/** Whether every subject `subject` (itself possibly a filter) matches is matched by `filter`. */
export function subjectCovers(filter: string, subject: string): boolean {
  const filterTokens = filter.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < filterTokens.length; index++) {
    const token = filterTokens[index];
    if (token === '>') return subjectTokens.length > index;
    const other = subjectTokens[index];
    if (other === undefined || other === '>') return false;
    if (token !== '*' && token !== other) return false;
  }
  return filterTokens.length === subjectTokens.length;
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** Nanoseconds as the operator thinks of them: "forever", "30 d", "2 min", "45 s". */
export function duration(nanoseconds: number): string {
  if (!nanoseconds) return 'forever';
  const ms = nanoseconds / 1_000_000;
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
