import { IdlePolling, type GlobalCheckpoint } from '@mutuo/event-store';
import { AdvisoryLockLeader } from './advisory-lock-leader';
import { backoffDelay, type BackoffOptions } from './backoff';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import { NatsHealth } from './nats-connection';
import { OutboxBatchReader, positionOf, type FetchedBatch } from './outbox-batch.reader';
import { OutboxCheckpointStore, type OutboxBacklog } from './outbox-checkpoint.store';
import { OutboxMessagePublisher, personalPublication } from './outbox-message.publisher';
import { OutboxRelayScheduler, type SleepKind, type WakeReason } from './outbox-relay.scheduler';
import { OutboxFlushTimeout, type OutboxRelayOptions, type OutboxRelayStats } from './outbox-relay.types';
import { PublishedPersonalDataEraser } from './published-personal-data-eraser';

export { OutboxFlushTimeout, type OutboxRelayOptions, type OutboxRelayStats } from './outbox-relay.types';
export type { OutboxBacklog } from './outbox-checkpoint.store';

interface BatchOutcome {
  /** Events in the last batch read: a full one means more may be waiting. */
  readonly fetched: number;
  readonly published: number;
  readonly failed: number;
  readonly firstError?: string;
}

/**
 * Publishes the events that leave the service (those stored with a `publish_subject`) to JetStream in
 * the global order, each as the CloudEvent built from its row, with `Nats-Msg-Id` = event id so a
 * retried publish is stored once. A batch is
 * published pipelined (on one connection, so in order); then the relay's checkpoint moves to the last
 * event of the longest acknowledged prefix of the batch, in a one-row UPDATE. While a backlog drains,
 * reading the next batch and writing the checkpoint overlap with publishing. After a failure it retries
 * from the first event not acknowledged, with backoff, while appends go on. Only the holder of the
 * database's advisory lock publishes.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly polling: IdlePolling;
  private readonly leaderRetryMs: number;
  private readonly retryBackoff: BackoffOptions;
  private readonly logger: MessagingLogger;
  private readonly leader: AdvisoryLockLeader;
  private readonly health: NatsHealth;
  private readonly publisher: OutboxMessagePublisher;
  private readonly batches: OutboxBatchReader;
  private readonly checkpoint: OutboxCheckpointStore;
  private readonly scheduler = new OutboxRelayScheduler();
  /** Where the leader publishes from; loaded from the database whenever leadership is (re)gained. */
  private position: GlobalCheckpoint | undefined;
  /** Counts leadership losses, so a batch that outlived its leadership does not set `position`. */
  private leadershipEpoch = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private publishedTotal = 0;
  private consecutiveFailures = 0;
  private failedTotal = 0;
  private lastError: { message: string; at: Date } | undefined;
  private lastPublishedAt: Date | undefined;
  private readonly unsubscribeHealth: () => void;
  private readonly eraser: PublishedPersonalDataEraser | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.polling = new IdlePolling({ intervalMs: options.pollIntervalMs ?? 200, idleIntervalMs: options.idlePollIntervalMs });
    this.leaderRetryMs = options.leaderRetryMs ?? 1_000;
    // Capped at 5 s: a NATS cluster elects a new stream leader within seconds, and a longer cap would leave the
    // relay asleep long after (measured: up to 24 s of extra stall with 30 s, docs/benchmarks.md "Cluster failover").
    this.retryBackoff = { initialMs: 250, maxMs: 5_000, ...options.retryBackoff };
    this.logger = options.logger ?? stderrLogger;
    this.publisher = new OutboxMessagePublisher(options.nats, options.publishTimeoutMs ?? 5_000);
    this.batches = new OutboxBatchReader(options.entityManager, this.batchSize, options.codec);
    this.health = new NatsHealth(options.nats);
    // A reconnect ends any backoff: the outage that caused it is over.
    this.unsubscribeHealth = this.health.onChange((connected) => {
      if (connected) this.wake('urgent');
    });
    const checkpointName = options.lockName ?? 'mutuo:outbox-relay';
    this.checkpoint = new OutboxCheckpointStore(options.entityManager, checkpointName);
    this.eraser = options.codec?.publications
      ? new PublishedPersonalDataEraser({
          nats: options.nats,
          entityManager: options.entityManager,
          ledger: options.codec.publications,
          intervalMs: options.erasureIntervalMs ?? 5_000,
          logger: this.logger,
        })
      : undefined;
    this.leader = new AdvisoryLockLeader({
      connection: options.lockConnection,
      lockName: checkpointName,
      onLost: (reason) => {
        // Another relay may move the checkpoint meanwhile: read it again once leading again.
        this.position = undefined;
        this.leadershipEpoch++;
        this.logger.warn('Outbox relay lost leadership', { reason });
      },
    });
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Wakes the relay now, e.g. right after an append committed. Does not cut a failure backoff short. */
  nudge(): void {
    this.polling.activity();
    this.wake('nudge');
  }

  /**
   * Waits until no committed event that leaves the service is after the checkpoint (published by this
   * relay, or by the leader if that is another process). Throws OutboxFlushTimeout when that takes longer
   * than `timeoutMs`.
   */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Stops at the first pending event; counting a large backlog after every batch would slow the drain.
      if (!(await this.checkpoint.hasPending())) return;
      if (!this.loop || Date.now() >= deadline) {
        const pending = await this.checkpoint.countPending();
        throw new OutboxFlushTimeout(pending, timeoutMs, this.lastError?.message ?? (this.loop ? null : 'the relay is not running'));
      }
      await this.scheduler.nextBatch(Math.min(Math.max(deadline - Date.now(), 0), 250));
    }
  }

  /**
   * Stops after the batch in flight, publishing what is still pending for up to `flushTimeoutMs`
   * (when this relay leads), then gives up leadership.
   */
  async stop(options: { readonly flushTimeoutMs?: number } = {}): Promise<void> {
    if (!this.loop) return;
    const flushTimeoutMs = options.flushTimeoutMs ?? 5_000;
    if (flushTimeoutMs > 0 && this.leader.isLeader) {
      await this.flush(flushTimeoutMs).catch((error) =>
        this.logger.warn('Outbox relay stopped with events unpublished; the next leader publishes them', { error: errorMessage(error) }),
      );
    }
    this.stopping = true;
    this.wake('urgent');
    await this.loop;
    this.loop = undefined;
    await this.leader.release();
    // A later start() may follow another leader's progress: read the checkpoint again then.
    this.position = undefined;
    this.leadershipEpoch++;
  }

  /** Stops following the NATS connection; call after `stop()` when the relay is discarded. */
  dispose(): void {
    this.unsubscribeHealth();
    this.health.dispose();
  }

  async stats(): Promise<OutboxRelayStats> {
    let pending: number | null = null;
    try {
      pending = await this.checkpoint.countPending();
    } catch {
      pending = null;
    }
    return {
      running: this.loop !== undefined && !this.stopping,
      leader: this.leader.isLeader,
      natsConnected: this.health.connected,
      pending,
      published: this.publishedTotal,
      publishFailures: this.failedTotal,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError?.message ?? null,
      lastErrorAt: this.lastError?.at.toISOString() ?? null,
      lastPublishedAt: this.lastPublishedAt?.toISOString() ?? null,
    };
  }

  /** Events still to publish and the age of the oldest, read from the database (the same answer on every replica). */
  backlog(): Promise<OutboxBacklog> {
    return this.checkpoint.backlog();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.leader.tryAcquire())) {
        this.position = undefined;
        this.leadershipEpoch++;
        // Followers do not react to nudges: every append would otherwise cost a lock attempt.
        await this.sleep(this.leaderRetryMs, 'backoff');
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = this.health.connected ? await this.publishBatches() : { fetched: 0, published: 0, failed: 1, firstError: 'NATS is disconnected' };
      } catch (error) {
        outcome = { fetched: 0, published: 0, failed: 1, firstError: errorMessage(error) };
      }
      this.scheduler.signalBatchDone();
      if (outcome.failed > 0) {
        this.consecutiveFailures++;
        this.failedTotal += outcome.failed;
        this.lastError = { message: outcome.firstError ?? 'publish failed', at: new Date() };
        const delayMs = backoffDelay(this.consecutiveFailures, this.retryBackoff);
        this.logger.warn('Outbox relay could not publish; retrying', {
          failed: outcome.failed,
          published: outcome.published,
          retryInMs: delayMs,
          error: this.lastError.message,
        });
        await this.sleep(delayMs, 'backoff');
        continue;
      }
      this.consecutiveFailures = 0;
      if (outcome.published > 0) this.polling.activity();
      // Erasure reaches the broker: messages carrying personal data whose key is gone are erased from their stream.
      await this.eraser?.eraseDue();
      // A full batch means more may be waiting, and so does a nudge that came while publishing: go again at once.
      const nudged = this.scheduler.takeNudgedWhileBusy();
      if (outcome.fetched < this.batchSize && !nudged) await this.sleep(this.polling.nextDelayMs(), 'poll');
    }
    this.scheduler.signalBatchDone();
  }

  /**
   * Publishes batch after batch for as long as they come full, pipelined: the next batch is read while the
   * current one is being published, and a batch's checkpoint UPDATE runs while the next one is published.
   * Checkpoint writes stay in order and each follows its own batch's acknowledgements; a read-ahead batch
   * is dropped when the batch before it fails.
   */
  private async publishBatches(): Promise<BatchOutcome> {
    const epoch = this.leadershipEpoch;
    const from = (this.position ??= await this.checkpoint.load());
    let next: Promise<FetchedBatch> | undefined = this.batches.fetch(from);
    let checkpointWrites: Promise<void> = Promise.resolve();
    let checkpointError: unknown;
    let lastFetched = 0;
    let published = 0;
    try {
      while (next) {
        const fetched: FetchedBatch = await next;
        next = undefined;
        if ('error' in fetched) throw fetched.error;
        const { rows } = fetched;
        lastFetched = rows.length;
        if (rows.length === 0) break;

        // Calls are issued in order on one connection, so the server stores them in order.
        const settling = Promise.allSettled(rows.map((row) => this.publisher.publish(row).then((ack) => personalPublication(row, ack))));
        if (rows.length === this.batchSize && !this.stopping) next = this.batches.fetch(positionOf(rows[rows.length - 1]!));
        const results = await settling;

        // Only the acknowledged prefix counts: stopping at the first failure keeps each stream's order, and the
        // retry republishes what came after it (JetStream drops the copies it already stored, by Nats-Msg-Id).
        const firstFailure = results.findIndex((result) => result.status === 'rejected');
        const acknowledged = firstFailure === -1 ? rows.length : firstFailure;
        if (acknowledged > 0) {
          const to = positionOf(rows[acknowledged - 1]!);
          const personal = results.slice(0, acknowledged).flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : []));
          published += acknowledged;
          checkpointWrites = checkpointWrites.then(async () => {
            if (checkpointError !== undefined) return;
            try {
              // Remembered before the checkpoint moves: should this fail, the retry publishes again (same sequence, deduplicated).
              if (personal.length > 0) await this.options.codec?.publications?.record(this.options.entityManager.fork(), personal);
              await this.moveCheckpoint(to, epoch);
              this.publishedTotal += acknowledged;
              this.lastPublishedAt = new Date();
              this.scheduler.signalBatchDone();
            } catch (error) {
              checkpointError = error;
            }
          });
        }
        if (firstFailure !== -1) {
          const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
          return { fetched: rows.length, published, failed: rejected.length, firstError: errorMessage(rejected[0]!.reason).slice(0, 2_000) };
        }
        // Leadership lost: the next leader carries on from the stored checkpoint.
        if (checkpointError !== undefined || epoch !== this.leadershipEpoch) break;
      }
    } finally {
      await checkpointWrites;
    }
    if (checkpointError !== undefined) throw checkpointError;
    return { fetched: lastFetched, published, failed: 0 };
  }

  private async moveCheckpoint(to: GlobalCheckpoint, epoch: number): Promise<void> {
    await this.checkpoint.move(to);
    // Leadership lost meanwhile: the next leader's position is in the database, not here.
    if (epoch === this.leadershipEpoch) this.position = to;
  }

  private wake(reason: WakeReason): void {
    this.scheduler.wake(reason);
  }

  private sleep(ms: number, kind: SleepKind): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return this.scheduler.sleep(ms, kind);
  }
}
