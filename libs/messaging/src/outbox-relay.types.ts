import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventDataCodec } from '@mutuo/event-store';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClientConfig } from 'pg';
import type { BackoffOptions } from './backoff';
import type { MessagingLogger } from './logger';

export interface OutboxRelayOptions {
  /** The service's root EntityManager; the relay reads events and moves its checkpoint on forks of it. */
  readonly entityManager: EntityManager;
  readonly nats: NatsConnection;
  /** Connection for the leader lock (a dedicated session): connection string or pg client config. */
  readonly lockConnection: string | ClientConfig;
  /**
   * Name of the advisory lock; one relay per database holds it. Default `mutuo:outbox-relay`. It also
   * names the relay's row in `mutuo_outbox_checkpoints`, so every relay that competes for the lock shares one position.
   */
  readonly lockName?: string;
  readonly batchSize?: number;
  /** Polling interval while events come. Default 200 ms; `nudge()` wakes the relay at once. */
  readonly pollIntervalMs?: number;
  /**
   * The longest pause between polls once idle (see IdlePolling in @mutuo/event-store): set it when every append
   * nudges the relay (AppendListener). Default `pollIntervalMs`: polling never slows down.
   */
  readonly idlePollIntervalMs?: number;
  /** How often a follower tries to take over leadership. Default 1 s. */
  readonly leaderRetryMs?: number;
  readonly publishTimeoutMs?: number;
  /** Backoff after a failed batch. Default 250 ms doubling to 5 s, with jitter. */
  readonly retryBackoff?: BackoffOptions;
  readonly logger?: MessagingLogger;
  /**
   * The event store's codec, when it seals data: the relay publishes the data opened, remembers which messages
   * carry personal data, and erases them from their stream once their key is destroyed.
   */
  readonly codec?: EventDataCodec;
  /** How often the leader looks for published personal data whose key was destroyed. Default 5 s. */
  readonly erasureIntervalMs?: number;
}

export interface OutboxRelayStats {
  readonly running: boolean;
  readonly leader: boolean;
  readonly natsConnected: boolean;
  /** Committed events to publish that are after the relay's checkpoint; null when the database could not be asked. */
  readonly pending: number | null;
  readonly published: number;
  /** Publish attempts that failed (events of failed batches, or one per attempt while NATS is disconnected). */
  readonly publishFailures: number;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastPublishedAt: string | null;
}

export class OutboxFlushTimeout extends Error {
  constructor(
    readonly pending: number,
    readonly timeoutMs: number,
    readonly lastError: string | null,
  ) {
    super(`${pending} outbox event(s) still unpublished after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`);
    this.name = 'OutboxFlushTimeout';
  }
}
