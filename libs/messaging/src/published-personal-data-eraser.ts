import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerMessage, PublicationLedger } from '@mutuo/event-store';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage, type MessagingLogger } from './logger';

export interface PublishedPersonalDataEraserOptions {
  readonly nats: NatsConnection;
  readonly entityManager: EntityManager;
  readonly ledger: PublicationLedger;
  /** How often to look for messages to erase. */
  readonly intervalMs: number;
  readonly logger: MessagingLogger;
}

const BATCH = 100;
/** How often the ledger is trimmed to the streams' retention. */
const TRIM_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Makes erasure reach the broker. The relay publishes integration events with their personal fields opened (their
 * consumers need the names and titles) and notes each such message in the ledger with its data key; once a key is
 * destroyed, every message that carried its data is erased from its JetStream stream (secure erase: the stored bytes
 * are overwritten) and forgotten. Runs on the relay's leader, after its batches; a failure is retried next time.
 */
export class PublishedPersonalDataEraser {
  private lastRunAt = 0;
  private lastTrimAt = 0;
  private manager: Promise<JetStreamManager> | undefined;

  constructor(private readonly options: PublishedPersonalDataEraserOptions) {}

  /** Erases what is due when the interval has passed since the last run. */
  async eraseDue(now = Date.now()): Promise<void> {
    if (now - this.lastRunAt < this.options.intervalMs) return;
    this.lastRunAt = now;
    try {
      await this.eraseAll();
      if (now - this.lastTrimAt >= TRIM_INTERVAL_MS) {
        await this.trimToRetention();
        this.lastTrimAt = now;
      }
    } catch (error) {
      this.options.logger.warn('Could not erase published personal data from the broker yet; retrying', { error: errorMessage(error) });
    }
  }

  /** Erases every message whose personal data's key is gone; returns how many. */
  async eraseAll(): Promise<number> {
    const jsm = await this.jsm();
    let erased = 0;
    for (;;) {
      const em = this.options.entityManager.fork();
      const messages = await this.options.ledger.erased(em, BATCH);
      if (messages.length === 0) return erased;
      for (const message of messages) await eraseMessage(jsm, message);
      await this.options.ledger.forget(em, messages);
      erased += messages.length;
      if (messages.length < BATCH) return erased;
    }
  }

  /** The ledger need not remember messages the streams have already dropped by age. */
  private async trimToRetention(): Promise<void> {
    const jsm = await this.jsm();
    const em = this.options.entityManager.fork();
    for (const stream of await this.options.ledger.streams(em)) {
      const maxAgeNanos = (await jsm.streams.info(stream)).config.max_age;
      if (maxAgeNanos > 0) await this.options.ledger.forgetBefore(em, stream, new Date(Date.now() - maxAgeNanos / 1_000_000));
    }
  }

  private jsm(): Promise<JetStreamManager> {
    this.manager ??= jetstreamManager(this.options.nats).catch((error: unknown) => {
      this.manager = undefined;
      throw error;
    });
    return this.manager;
  }
}

async function eraseMessage(jsm: JetStreamManager, message: BrokerMessage): Promise<void> {
  try {
    await jsm.streams.deleteMessage(message.stream, message.seq, true);
  } catch (error) {
    // Gone already: by age, by an earlier run, or with its whole stream.
    if (error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.NoMessageFound || error.code === JetStreamApiCodes.StreamNotFound)) return;
    throw error;
  }
}
