import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContractRegistry } from '@mutuo/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BackoffOptions } from './backoff';
import type { DependencyGate } from './dependency-gate';
import type { MessagingLogger } from './logger';
import type { ConsumerPlan, EnsureStreamsOptions } from './provisioning';
import type { EventHandler } from './received-event';

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
  /**
   * Create or update streams and consumers at start (default; tests and benchmarks). Pass stream settings to override
   * their defaults, or a function to decide yourself (services check, see checkServiceMessaging); it also runs when a
   * consumer vanishes under the running consumer.
   */
  readonly provision?: boolean | Omit<EnsureStreamsOptions, 'prefix' | 'services'> | ConsumerProvisioner;
  readonly publishTimeoutMs?: number;
  readonly logger?: MessagingLogger;
}

/** Makes sure one planned consumer can be pulled from; throws when it cannot. */
export type ConsumerProvisioner = (plan: ConsumerPlan) => Promise<void>;

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
