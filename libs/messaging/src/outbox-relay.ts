import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { ClientConfig } from 'pg';
import { AdvisoryLockLeader } from './advisory-lock-leader';
import { backoffDelay, type BackoffOptions } from './backoff';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import { NatsHealth } from './nats-connection';

export interface OutboxRelayOptions {
  /** The service's root EntityManager; the relay reads and marks outbox rows on forks of it. */
  readonly entityManager: EntityManager;
  readonly nats: NatsConnection;
  /** Connection for the leader lock (a dedicated session): connection string or pg client config. */
  readonly lockConnection: string | ClientConfig;
  /** Name of the advisory lock; one relay per database holds it. Default `mutuo:outbox-relay`. */
  readonly lockName?: string;
  readonly batchSize?: number;
  /** Idle polling interval. Default 200 ms; `nudge()` wakes the relay at once. */
  readonly pollIntervalMs?: number;
  /** How often a follower tries to take over leadership. Default 1 s. */
  readonly leaderRetryMs?: number;
  readonly publishTimeoutMs?: number;
  /** Backoff after a failed batch. Default 250 ms doubling to 30 s, with jitter. */
  readonly retryBackoff?: BackoffOptions;
  readonly logger?: MessagingLogger;
}

export interface OutboxRelayStats {
  readonly running: boolean;
  readonly leader: boolean;
  readonly natsConnected: boolean;
  /** Unsent outbox rows; null when the database could not be asked. */
  readonly pending: number | null;
  readonly published: number;
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

interface OutboxRow {
  event_id: string;
  subject: string;
  /** The CloudEvent JSON as stored. */
  payload: string;
  headers: Record<string, string> | null;
}

interface BatchOutcome {
  readonly fetched: number;
  readonly published: number;
  readonly failed: number;
  readonly firstError?: string;
}

type WakeReason = 'nudge' | 'urgent';

/**
 * Publishes `mutuo_outbox` rows to JetStream, oldest first, each with `Nats-Msg-Id` = event id so a
 * retried publish is stored once. A batch is published pipelined (on one connection, so in order)
 * and the acknowledged rows are marked sent in one UPDATE. Failed rows stay pending and are retried
 * with backoff; appends go on meanwhile. Only the holder of the database's advisory lock publishes.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaderRetryMs: number;
  private readonly publishTimeoutMs: number;
  private readonly retryBackoff: BackoffOptions;
  private readonly logger: MessagingLogger;
  private readonly leader: AdvisoryLockLeader;
  private readonly health: NatsHealth;
  private readonly js: JetStreamClient;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: ((reason: WakeReason) => void) | undefined;
  private sleepKind: 'poll' | 'backoff' | undefined;
  private nudgedWhileBusy = false;
  private batchDone = new Set<() => void>();
  private publishedTotal = 0;
  private consecutiveFailures = 0;
  private lastError: { message: string; at: Date } | undefined;
  private lastPublishedAt: Date | undefined;
  private readonly unsubscribeHealth: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.leaderRetryMs = options.leaderRetryMs ?? 1_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.retryBackoff = { initialMs: 250, maxMs: 30_000, ...options.retryBackoff };
    this.logger = options.logger ?? stderrLogger;
    this.js = jetstream(options.nats, { timeout: this.publishTimeoutMs });
    this.health = new NatsHealth(options.nats);
    // A reconnect ends any backoff: the outage that caused it is over.
    this.unsubscribeHealth = this.health.onChange((connected) => {
      if (connected) this.wake('urgent');
    });
    this.leader = new AdvisoryLockLeader({
      connection: options.lockConnection,
      lockName: options.lockName ?? 'mutuo:outbox-relay',
      onLost: (reason) => this.logger.warn('Outbox relay lost leadership', { reason }),
    });
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Wakes the relay now, e.g. right after an append committed. Does not cut a failure backoff short. */
  nudge(): void {
    this.wake('nudge');
  }

  /**
   * Waits until no unsent row is left (published by this relay, or by the leader if that is another
   * process). Throws OutboxFlushTimeout when that takes longer than `timeoutMs`.
   */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // `exists` stops at the first unsent row; counting a large backlog after every batch would slow the drain.
      if (!(await this.hasPending())) return;
      if (!this.loop || Date.now() >= deadline) {
        const pending = await this.countPending();
        throw new OutboxFlushTimeout(pending, timeoutMs, this.lastError?.message ?? (this.loop ? null : 'the relay is not running'));
      }
      await this.nextBatch(Math.min(Math.max(deadline - Date.now(), 0), 250));
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
  }

  /** Stops following the NATS connection; call after `stop()` when the relay is discarded. */
  dispose(): void {
    this.unsubscribeHealth();
    this.health.dispose();
  }

  async stats(): Promise<OutboxRelayStats> {
    let pending: number | null = null;
    try {
      pending = await this.countPending();
    } catch {
      pending = null;
    }
    return {
      running: this.loop !== undefined && !this.stopping,
      leader: this.leader.isLeader,
      natsConnected: this.health.connected,
      pending,
      published: this.publishedTotal,
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError?.message ?? null,
      lastErrorAt: this.lastError?.at.toISOString() ?? null,
      lastPublishedAt: this.lastPublishedAt?.toISOString() ?? null,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.leader.tryAcquire())) {
        // Followers do not react to nudges: every append would otherwise cost a lock attempt.
        await this.sleep(this.leaderRetryMs, 'backoff');
        continue;
      }
      let outcome: BatchOutcome;
      try {
        outcome = this.health.connected ? await this.publishBatch() : { fetched: 0, published: 0, failed: 1, firstError: 'NATS is disconnected' };
      } catch (error) {
        outcome = { fetched: 0, published: 0, failed: 1, firstError: errorMessage(error) };
      }
      this.signalBatchDone();
      if (outcome.failed > 0) {
        this.consecutiveFailures++;
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
      // A full batch means more may be waiting, and so does a nudge that came while publishing: go again at once.
      const nudged = this.nudgedWhileBusy;
      this.nudgedWhileBusy = false;
      if (outcome.fetched < this.batchSize && !nudged) await this.sleep(this.pollIntervalMs, 'poll');
    }
    this.signalBatchDone();
  }

  private async publishBatch(): Promise<BatchOutcome> {
    const em = this.options.entityManager.fork();
    const rows = await query<OutboxRow>(
      em,
      // The payload as text: it is published as it is stored, without parsing and re-serialising it.
      `select event_id, subject, payload::text as payload, headers from mutuo_outbox
       where sent_at is null order by global_position limit ?`,
      [this.batchSize],
      { preparedAs: 'mutuo_outbox_next_batch_v1' },
    );
    if (rows.length === 0) return { fetched: 0, published: 0, failed: 0 };

    // Calls are issued in order on one connection, so the server stores them in order.
    const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
    const sent: string[] = [];
    const failures: { event_id: string; error: string }[] = [];
    results.forEach((result, index) => {
      const row = rows[index]!;
      if (result.status === 'fulfilled') sent.push(row.event_id);
      else failures.push({ event_id: row.event_id, error: errorMessage(result.reason).slice(0, 2_000) });
    });
    if (sent.length > 0) {
      await query(
        em,
        `update mutuo_outbox set sent_at = clock_timestamp()
         where event_id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) and sent_at is null`,
        [JSON.stringify(sent)],
        { preparedAs: 'mutuo_outbox_mark_sent_v1' },
      );
      this.publishedTotal += sent.length;
      this.lastPublishedAt = new Date();
    }
    if (failures.length > 0) {
      await query(
        em,
        `update mutuo_outbox o set attempts = o.attempts + 1, last_error = f.error
         from jsonb_to_recordset(?::jsonb) as f(event_id uuid, error text)
         where o.event_id = f.event_id`,
        [JSON.stringify(failures)],
      );
    }
    return { fetched: rows.length, published: sent.length, failed: failures.length, firstError: failures[0]?.error };
  }

  private async publish(row: OutboxRow): Promise<void> {
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(row.headers ?? {})) headers.set(name, String(value));
    // retries: 1 — a retry inside the client could overtake later messages of the batch.
    await this.js.publish(row.subject, row.payload, {
      msgID: row.event_id,
      headers,
      timeout: this.publishTimeoutMs,
      retries: 1,
    });
  }

  private async hasPending(): Promise<boolean> {
    const [row] = await query<{ pending: boolean }>(
      this.options.entityManager.fork(),
      'select exists (select 1 from mutuo_outbox where sent_at is null) as pending',
    );
    return row?.pending ?? false;
  }

  private async countPending(): Promise<number> {
    const [row] = await query<{ pending: number }>(
      this.options.entityManager.fork(),
      'select count(*)::int as pending from mutuo_outbox where sent_at is null',
    );
    return row?.pending ?? 0;
  }

  private wake(reason: WakeReason): void {
    if (!this.wakeUp) {
      // Busy publishing: remember it, or an event committed during this batch would wait for the next poll.
      this.nudgedWhileBusy = true;
      return;
    }
    if (reason === 'nudge' && this.sleepKind === 'backoff') return;
    this.wakeUp(reason);
  }

  private sleep(ms: number, kind: 'poll' | 'backoff'): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.sleepKind = undefined;
        resolve();
      };
      this.wakeUp = done;
      this.sleepKind = kind;
    });
  }

  /** Resolves after the loop's next batch (or after `maxWaitMs`), waking the loop first. */
  private nextBatch(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), maxWaitMs);
      const finish = () => {
        clearTimeout(timer);
        this.batchDone.delete(finish);
        resolve();
      };
      this.batchDone.add(finish);
      this.wake('urgent');
    });
  }

  private signalBatchDone(): void {
    const waiting = [...this.batchDone];
    this.batchDone = new Set();
    for (const finish of waiting) finish();
  }
}
