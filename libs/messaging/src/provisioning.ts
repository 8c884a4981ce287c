import { JetStreamApiError, type ConsumerInfo, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseContractType } from '@mutuo/contracts';
import {
  DEFAULT_STREAM_SETTINGS,
  consumerCreateConfig,
  consumerDrift,
  consumerFilters,
  consumerUpdatableConfig,
  deadLetterStreamSpec,
  eventStreamSpec,
  streamCreateConfig,
  streamDrift,
  streamUpdatableConfig,
  type StreamSpec,
} from './stream-specs';
import { durableName, eventStreamName, eventTypeFilter, serviceEventsFilter } from './subjects';

export const STREAM_NAME_IN_USE = 10058;
export const STREAM_NOT_FOUND = 10059;
export const CONSUMER_NOT_FOUND = 10014;

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
  readonly storage?: 'file' | 'memory';
}

export interface EnsuredStreams {
  readonly eventStreams: Record<string, string>;
  readonly deadLetterStream: string;
}

/**
 * Creates (or brings up to date) the event stream of every listed service and the dead-letter stream: the
 * provisioning step (`mutuo <service> streams apply`), tests and benchmarks. A service start never calls it (see
 * checkServiceProvisioning). Safe to call concurrently.
 */
export async function ensureStreams(jsm: JetStreamManager, options: EnsureStreamsOptions): Promise<EnsuredStreams> {
  const settings = {
    replicas: options.replicas ?? DEFAULT_STREAM_SETTINGS.replicas,
    maxAgeMs: options.maxAgeMs ?? DEFAULT_STREAM_SETTINGS.maxAgeMs,
    deadLetterMaxAgeMs: options.deadLetterMaxAgeMs ?? DEFAULT_STREAM_SETTINGS.deadLetterMaxAgeMs,
    storage: options.storage ?? DEFAULT_STREAM_SETTINGS.storage,
    duplicateWindowMs: options.duplicateWindowMs ?? DEFAULT_STREAM_SETTINGS.duplicateWindowMs,
  };
  const eventStreams: Record<string, string> = {};
  for (const service of new Set(options.services)) {
    const spec = eventStreamSpec(options.prefix, service, settings);
    await ensureStream(jsm, spec);
    eventStreams[service] = spec.name;
  }
  const deadLetters = deadLetterStreamSpec(options.prefix, settings);
  await ensureStream(jsm, deadLetters);
  return { eventStreams, deadLetterStream: deadLetters.name };
}

export type StreamOutcome = 'created' | 'updated' | 'unchanged';

/** Creates the stream, or updates the settings that differ. Storage cannot change in place: that is refused. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<{ info: StreamInfo; outcome: StreamOutcome; drift: string[] }> {
  const existing = await streamInfo(jsm, spec.name);
  if (!existing) {
    const created = await createStream(jsm, spec);
    if (created) return { info: created, outcome: 'created', drift: [] };
    return ensureStream(jsm, spec);
  }
  const drift = streamDrift(existing.config, spec);
  if (drift.length === 0) return { info: existing, outcome: 'unchanged', drift };
  if (existing.config.storage !== spec.storage) {
    throw new Error(
      `Stream ${spec.name} is stored in ${existing.config.storage}, configuration wants ${spec.storage}: JetStream cannot change storage in place ` +
        '(back up, delete and re-create the stream, or set NATS_STREAM_STORAGE back)',
    );
  }
  const info = await jsm.streams.update(spec.name, { ...existing.config, ...streamUpdatableConfig(spec) });
  return { info, outcome: 'updated', drift };
}

/** Creates a stream; null when another process created it between our look-up and our add. */
export async function createStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.add(streamCreateConfig(spec));
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE) return null;
    throw error;
  }
}

export async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return null;
    throw error;
  }
}

export async function consumerInfo(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | null> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && (error.code === CONSUMER_NOT_FOUND || error.code === STREAM_NOT_FOUND)) return null;
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
  return (await ensureConsumerOutcome(jsm, plan, options)).info;
}

export async function ensureConsumerOutcome(
  jsm: JetStreamManager,
  plan: ConsumerPlan,
  options: EnsureConsumerOptions,
): Promise<{ info: ConsumerInfo; outcome: StreamOutcome; drift: string[] }> {
  const settings = { ackWaitMs: options.ackWaitMs ?? 30_000, maxDeliver: options.maxDeliver, maxAckPending: options.maxAckPending ?? 1_000 };
  const existing = await consumerInfo(jsm, plan.stream, plan.durable);
  if (!existing) return { info: await jsm.consumers.add(plan.stream, consumerCreateConfig(plan, settings)), outcome: 'created', drift: [] };
  const drift = consumerDrift(existing.config, plan, settings);
  if (existing.config.description !== `Handles ${plan.types.join(', ')}`) drift.push('description');
  if (drift.length === 0) return { info: existing, outcome: 'unchanged', drift };
  try {
    return { info: await jsm.consumers.update(plan.stream, plan.durable, consumerUpdatableConfig(plan, settings)), outcome: 'updated', drift };
  } catch (error) {
    throw new Error(
      `Cannot update consumer ${plan.durable} on ${plan.stream} to filter ${plan.filterSubjects.join(', ')} ` +
        `(it filters ${consumerFilters(existing.config).join(', ') || 'nothing'}): ${(error as Error).message}. ` +
        'If the server cannot change this in place, delete the consumer; it is created again and the inbox skips events already handled.',
      { cause: error },
    );
  }
}
