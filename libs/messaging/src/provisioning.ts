import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { parseContractType } from '@mutuo/contracts';
import { deadLetterFilter, deadLetterStreamName, durableName, eventStreamName, eventTypeFilter, serviceEventsFilter } from './subjects';

const DAY_MS = 24 * 60 * 60 * 1000;
const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

export interface EnsureStreamsOptions {
  readonly prefix: string;
  /** Producing services; each gets `<PREFIX>_<SERVICE>_EVENTS`. */
  readonly services: readonly string[];
  /** Window in which JetStream drops a repeated `Nats-Msg-Id`. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** How long events stay in the stream. Default 30 days; 0 keeps them forever. */
  readonly maxAgeMs?: number;
  /** How long dead letters stay. Default 90 days; 0 keeps them forever. */
  readonly deadLetterMaxAgeMs?: number;
  readonly replicas?: number;
}

export interface EnsuredStreams {
  readonly eventStreams: Record<string, string>;
  readonly deadLetterStream: string;
}

/**
 * Creates (or brings up to date) the event stream of every listed service and the dead-letter
 * stream. Safe to call from every process at every start, concurrently.
 */
export async function ensureStreams(jsm: JetStreamManager, options: EnsureStreamsOptions): Promise<EnsuredStreams> {
  const duplicateWindowMs = options.duplicateWindowMs ?? 2 * 60 * 1000;
  const maxAgeMs = options.maxAgeMs ?? 30 * DAY_MS;
  const replicas = options.replicas ?? 1;
  const eventStreams: Record<string, string> = {};
  for (const service of new Set(options.services)) {
    const name = eventStreamName(options.prefix, service);
    await ensureStream(jsm, {
      name,
      subjects: [serviceEventsFilter(options.prefix, service)],
      duplicateWindowMs,
      maxAgeMs,
      replicas,
      description: `Integration events published by ${service}`,
    });
    eventStreams[service] = name;
  }
  const deadLetterStream = deadLetterStreamName(options.prefix);
  await ensureStream(jsm, {
    name: deadLetterStream,
    subjects: [deadLetterFilter(options.prefix)],
    duplicateWindowMs,
    maxAgeMs: options.deadLetterMaxAgeMs ?? 90 * DAY_MS,
    replicas,
    description: 'Messages consumers could not handle, with the reason in headers',
  });
  return { eventStreams, deadLetterStream };
}

interface StreamSpec {
  readonly name: string;
  readonly subjects: string[];
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly replicas: number;
  readonly description: string;
}

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo> {
  const wanted: Partial<StreamConfig> = {
    subjects: spec.subjects,
    duplicate_window: nanos(spec.duplicateWindowMs),
    max_age: nanos(spec.maxAgeMs),
    num_replicas: spec.replicas,
    description: spec.description,
  };
  const existing = await streamInfo(jsm, spec.name);
  if (!existing) {
    try {
      return await jsm.streams.add({
        name: spec.name,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        ...wanted,
      });
    } catch (error) {
      // Another process created it between our look-up and our add.
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      return ensureStream(jsm, spec);
    }
  }
  const config = existing.config;
  const upToDate =
    sameSet(config.subjects ?? [], spec.subjects) &&
    config.duplicate_window === wanted.duplicate_window &&
    config.max_age === wanted.max_age &&
    config.num_replicas === spec.replicas;
  if (upToDate) return existing;
  return jsm.streams.update(spec.name, { ...config, ...wanted });
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return null;
    throw error;
  }
}

/** nats-server 2.10 added several filter subjects per consumer; 2.9 accepts only one. */
export function supportsMultipleFilterSubjects(nc: NatsConnection): boolean {
  const version = nc.info?.version;
  if (!version) return false;
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 10);
}

/** One durable pull consumer on one producer's stream. */
export interface ConsumerPlan {
  readonly stream: string;
  readonly durable: string;
  /** The producing service whose stream this is. */
  readonly service: string;
  readonly filterSubjects: readonly string[];
  /** The contract types handled from this stream. */
  readonly types: readonly string[];
  /**
   * True when the filter also lets through types nobody handles (one service-wide filter on servers
   * without multiple filter subjects); those messages are acknowledged and skipped.
   */
  readonly receivesUnhandledTypes: boolean;
}

/**
 * Decides the consumers for a set of handled types: one durable per producing stream, so that
 * events of one aggregate stay in order across types. Several types from one stream need several
 * filter subjects; on older servers one service-wide filter is used instead.
 */
export function planConsumers(
  prefix: string,
  consumer: string,
  types: readonly string[],
  options: { readonly multipleFilterSubjects: boolean },
): ConsumerPlan[] {
  const durable = durableName(consumer);
  const byService = new Map<string, string[]>();
  for (const type of new Set(types)) {
    const parts = parseContractType(type);
    if (!parts) throw new Error(`Cannot consume "${type}": not of the form <service>.<name>.v<version>`);
    byService.set(parts.service, [...(byService.get(parts.service) ?? []), type]);
  }
  return [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, serviceTypes]) => {
      const sortedTypes = [...serviceTypes].sort();
      const wide = sortedTypes.length > 1 && !options.multipleFilterSubjects;
      return {
        stream: eventStreamName(prefix, service),
        durable,
        service,
        filterSubjects: wide ? [serviceEventsFilter(prefix, service)] : sortedTypes.map((type) => eventTypeFilter(prefix, type)),
        types: sortedTypes,
        receivesUnhandledTypes: wide,
      };
    });
}

export interface EnsureConsumerOptions {
  /** How long a delivered message may stay unacknowledged before it is delivered again. Default 30 s. */
  readonly ackWaitMs?: number;
  /** The server-side delivery cap, a safety net above the consumer's own dead-letter limit. */
  readonly maxDeliver: number;
  /** Messages delivered but not yet acknowledged, across all instances. Default 1000. */
  readonly maxAckPending?: number;
}

/** Creates the durable pull consumer of a plan, or updates the one that exists. */
export async function ensureConsumer(jsm: JetStreamManager, plan: ConsumerPlan, options: EnsureConsumerOptions): Promise<ConsumerInfo> {
  const filters = plan.filterSubjects.length === 1 ? { filter_subject: plan.filterSubjects[0] } : { filter_subjects: [...plan.filterSubjects] };
  const wanted: Partial<ConsumerConfig> = {
    durable_name: plan.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_deliver: options.maxDeliver,
    max_ack_pending: options.maxAckPending ?? 1_000,
    description: `Handles ${plan.types.join(', ')}`,
    ...filters,
  };
  let existing: ConsumerInfo | null = null;
  try {
    existing = await jsm.consumers.info(plan.stream, plan.durable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND)) throw error;
  }
  if (!existing) return jsm.consumers.add(plan.stream, wanted);

  const config = existing.config;
  const currentFilters = config.filter_subjects?.length ? config.filter_subjects : config.filter_subject ? [config.filter_subject] : [];
  const upToDate =
    sameSet(currentFilters, plan.filterSubjects) &&
    config.ack_wait === wanted.ack_wait &&
    config.max_deliver === wanted.max_deliver &&
    config.max_ack_pending === wanted.max_ack_pending &&
    config.description === wanted.description;
  if (upToDate) return existing;
  try {
    return await jsm.consumers.update(plan.stream, plan.durable, {
      ack_wait: wanted.ack_wait,
      max_deliver: wanted.max_deliver,
      max_ack_pending: wanted.max_ack_pending,
      description: wanted.description,
      ...filters,
    });
  } catch (error) {
    throw new Error(
      `Cannot update consumer ${plan.durable} on ${plan.stream} to filter ${plan.filterSubjects.join(', ')} ` +
        `(it filters ${currentFilters.join(', ') || 'nothing'}): ${(error as Error).message}. ` +
        'If the server cannot change this in place, delete the consumer; it is created again and the inbox skips events already handled.',
      { cause: error },
    );
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
