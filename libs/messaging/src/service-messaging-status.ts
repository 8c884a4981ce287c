import type { JetStreamManager } from '@nats-io/jetstream';
import { consumerInfo, streamInfo } from './provisioning';
import type { NeededStream, ServiceMessagingPlan } from './service-messaging-plan';
import { consumerDrift, duration, streamDrift, undeliveredFilters } from './stream-specs';

export interface StreamStatus {
  readonly kind: 'stream';
  readonly name: string;
  readonly role: NeededStream['role'];
  readonly owner: string | null;
  readonly exists: boolean;
  /** Settings that differ from configuration, one phrase each. */
  readonly drift: readonly string[];
  readonly messages?: number;
  readonly bytes?: number;
  readonly replicas?: number;
  readonly maxAge?: string;
  readonly storage?: string;
  /** Cluster leader and replicas that are not current, when clustered. */
  readonly leader?: string;
  readonly laggingReplicas?: readonly string[];
}

export interface ConsumerStatus {
  readonly kind: 'consumer';
  readonly stream: string;
  readonly durable: string;
  readonly exists: boolean;
  readonly drift: readonly string[];
  /** Filter subjects of handled types the consumer does not deliver: the service refuses to start. */
  readonly undelivered: readonly string[];
  /** Messages not yet delivered. */
  readonly pending?: number;
  readonly ackPending?: number;
  readonly redelivered?: number;
  /** Pull requests waiting: roughly, instances consuming now. */
  readonly waiting?: number;
}

export interface ServiceMessagingStatus {
  readonly streams: readonly StreamStatus[];
  readonly consumers: readonly ConsumerStatus[];
  /** True when everything exists and nothing differs from configuration and code. */
  readonly inLine: boolean;
}

/** Reads, changes nothing: each stream and consumer the service needs, whether it exists, drift, and its counters. */
export async function serviceMessagingStatus(jsm: JetStreamManager, plan: ServiceMessagingPlan): Promise<ServiceMessagingStatus> {
  const streams: StreamStatus[] = [];
  for (const needed of plan.streams) {
    const info = await streamInfo(jsm, needed.spec.name);
    const base = { kind: 'stream' as const, name: needed.spec.name, role: needed.role, owner: needed.owner };
    if (!info) {
      streams.push({ ...base, exists: false, drift: [] });
      continue;
    }
    streams.push({
      ...base,
      exists: true,
      drift: streamDrift(info.config, needed.spec),
      messages: info.state.messages,
      bytes: info.state.bytes,
      replicas: info.config.num_replicas,
      maxAge: duration(info.config.max_age),
      storage: info.config.storage,
      ...(info.cluster?.leader ? { leader: info.cluster.leader } : {}),
      ...(info.cluster?.replicas
        ? { laggingReplicas: info.cluster.replicas.filter((replica) => !replica.current || replica.offline).map((replica) => replica.name) }
        : {}),
    });
  }
  const consumers: ConsumerStatus[] = [];
  for (const consumer of plan.consumers) {
    const info = await consumerInfo(jsm, consumer.stream, consumer.durable);
    const base = { kind: 'consumer' as const, stream: consumer.stream, durable: consumer.durable };
    if (!info) {
      consumers.push({ ...base, exists: false, drift: [], undelivered: consumer.filterSubjects });
      continue;
    }
    consumers.push({
      ...base,
      exists: true,
      drift: consumerDrift(info.config, consumer, plan.consumerSettings),
      undelivered: undeliveredFilters(info.config, consumer),
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
      waiting: info.num_waiting,
    });
  }
  const inLine =
    streams.every((stream) => stream.exists && stream.drift.length === 0) && consumers.every((consumer) => consumer.exists && consumer.drift.length === 0);
  return { streams, consumers, inLine };
}
