import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type EventDataCodec, type GlobalCheckpoint, type PublishedPersonalData } from '@mutuo/event-store';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { ClientConfig } from 'pg';
import { AdvisoryLockLeader } from './advisory-lock-leader';
import { backoffDelay, type BackoffOptions } from './backoff';
import { cloudEventJson } from './cloud-event';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';
import { NatsHealth } from './nats-connection';
import { CLOUDEVENTS_CONTENT_TYPE } from './outbox-mapper';
import { PublishedPersonalDataEraser } from './published-personal-data-eraser';
import { parseEventSubject } from './subjects';

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
  /** Idle polling interval. Default 200 ms; `nudge()` wakes the relay at once. */
  readonly pollIntervalMs?: number;
  /** How often a follower tries to take over leadership. Default 1 s. */
  readonly leaderRetryMs?: number;
  readonly publishTimeoutMs?: number;
  /** Backoff after a failed batch. Default 250 ms doubling to 30 s, with jitter. */
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

/** An event that leaves the service, as the relay reads it: what its CloudEvent is built from. */
interface PublishableRow {
  event_id: string;
  /** xid8 and bigint as decimal strings. */
  transaction_id: string;
  global_position: string;
  /** The NATS subject; its tokens give the region, the pod and the contract type. */
  publish_subject: string;
  stream_id: string;
  stream_position: number;
  pod_id: string | null;
  occurred_at: string;
  actor_id: string;
  correlation_id: string | null;
  causation_id: string | null;
  /** JSON text: `publish_data` when stored, else the event's `data`. */
  data: string;
  /** The data keys whose personal fields `data` carries opened (set by the codec, not stored). */
  personal_key_ids?: readonly string[];
}

type FetchedBatch = { readonly rows: PublishableRow[] } | { readonly error: unknown };

interface BatchOutcome {
  /** Events in the last batch read: a full one means more may be waiting. */
  readonly fetched: number;
  readonly published: number;
  readonly failed: number;
  readonly firstError?: string;
}

/** Where a message carrying personal data opened was stored; undefined for the others. */
function personalPublication(row: PublishableRow, ack: PubAck): PublishedPersonalData | undefined {
  const keyIds = row.personal_key_ids ?? [];
  return keyIds.length > 0 ? { stream: ack.stream, seq: ack.seq, keyIds } : undefined;
}

function positionOf(row: PublishableRow): GlobalCheckpoint {
  return { transactionId: String(row.transaction_id), globalPosition: String(row.global_position) };
}

/**
 * The events after a checkpoint that leave the service, in the global order and under the same rule as
 * PostgresEventStore.readAll: only transactions older than every transaction still running, so an event
 * whose transaction commits late sorts after the checkpoint when it becomes visible, never before it.
 */
const NEXT_BATCH_SQL = `
  select event_id, transaction_id, global_position, publish_subject, stream_id, stream_position, pod_id,
         metadata ->> 'occurredAt' as occurred_at, metadata ->> 'actorId' as actor_id,
         metadata ->> 'correlationId' as correlation_id, metadata ->> 'causationId' as causation_id,
         coalesce(publish_data, data)::text as data
  from mutuo_events
  where (transaction_id, global_position) > (?::xid8, ?::bigint)
    and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    and publish_subject is not null
  order by transaction_id, global_position
  limit ?`;

/** Never moves backwards: a relay that lost its lock mid-batch cannot undo its successor's progress. */
const MOVE_CHECKPOINT_SQL = `
  update mutuo_outbox_checkpoints
  set transaction_id = ?::xid8, global_position = ?::bigint, updated_at = clock_timestamp()
  where relay = ? and (transaction_id, global_position) < (?::xid8, ?::bigint)`;

/** The events to publish after the stored checkpoint (all of them while there is none yet). */
const AFTER_CHECKPOINT = `
  from mutuo_events
  where publish_subject is not null
    and (transaction_id, global_position) > (
      coalesce((select c.transaction_id from mutuo_outbox_checkpoints c where c.relay = ?), '0'::xid8),
      coalesce((select c.global_position from mutuo_outbox_checkpoints c where c.relay = ?), 0))`;

type WakeReason = 'nudge' | 'urgent';

/**
 * The CloudEvent the outbox mapper checked at append time, rebuilt from the row: the subject gives the
 * region and the contract type (whose service is the source's), the row and its metadata the rest.
 */
function cloudEventOf(row: PublishableRow): string {
  const subject = parseEventSubject(row.publish_subject);
  if (!subject) {
    throw new Error(`Event ${row.event_id} cannot be published: "${row.publish_subject}" is not an event subject (<prefix>.evt.<region>.<pod|_>.<service>.<name>.v<version>)`);
  }
  return cloudEventJson({
    id: row.event_id,
    region: subject.region,
    service: subject.service,
    type: subject.type,
    subject: row.stream_id,
    time: row.occurred_at,
    dataJson: row.data,
    podId: row.pod_id,
    // As the mapper does: an event nobody correlated starts its own correlation.
    correlationId: row.correlation_id ?? row.event_id,
    causationId: row.causation_id,
    streamVersion: row.stream_position,
    actorId: row.actor_id,
  });
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
  private readonly pollIntervalMs: number;
  private readonly leaderRetryMs: number;
  private readonly publishTimeoutMs: number;
  private readonly retryBackoff: BackoffOptions;
  private readonly logger: MessagingLogger;
  private readonly leader: AdvisoryLockLeader;
  private readonly health: NatsHealth;
  private readonly js: JetStreamClient;
  private readonly checkpointName: string;
  /** Where the leader publishes from; loaded from the database whenever leadership is (re)gained. */
  private position: GlobalCheckpoint | undefined;
  /** Counts leadership losses, so a batch that outlived its leadership does not set `position`. */
  private leadershipEpoch = 0;
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
  private readonly eraser: PublishedPersonalDataEraser | undefined;

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
    this.checkpointName = options.lockName ?? 'mutuo:outbox-relay';
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
      lockName: this.checkpointName,
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
      // Erasure reaches the broker: messages carrying personal data whose key is gone are erased from their stream.
      await this.eraser?.eraseDue();
      // A full batch means more may be waiting, and so does a nudge that came while publishing: go again at once.
      const nudged = this.nudgedWhileBusy;
      this.nudgedWhileBusy = false;
      if (outcome.fetched < this.batchSize && !nudged) await this.sleep(this.pollIntervalMs, 'poll');
    }
    this.signalBatchDone();
  }

  /**
   * Publishes batch after batch for as long as they come full, pipelined: the next batch is read while the
   * current one is being published, and a batch's checkpoint UPDATE runs while the next one is published.
   * Checkpoint writes stay in order and each follows its own batch's acknowledgements; a read-ahead batch
   * is dropped when the batch before it fails.
   */
  private async publishBatches(): Promise<BatchOutcome> {
    const epoch = this.leadershipEpoch;
    const from = (this.position ??= await this.loadCheckpoint());
    let next: Promise<FetchedBatch> | undefined = this.fetchBatch(from);
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
        const settling = Promise.allSettled(rows.map((row) => this.publish(row).then((ack) => personalPublication(row, ack))));
        if (rows.length === this.batchSize && !this.stopping) next = this.fetchBatch(positionOf(rows[rows.length - 1]!));
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
              this.signalBatchDone();
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

  /** Never rejects, so a read-ahead nobody waits for any more cannot become an unhandled rejection. */
  private fetchBatch(from: GlobalCheckpoint): Promise<FetchedBatch> {
    return query<PublishableRow>(this.options.entityManager.fork(), NEXT_BATCH_SQL, [from.transactionId, from.globalPosition, this.batchSize], {
      preparedAs: 'mutuo_outbox_next_batch_v3',
    }).then(
      (rows) => this.opened(rows),
    ).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );
  }

  private async opened(rows: PublishableRow[]): Promise<PublishableRow[]> {
    const codec = this.options.codec;
    if (!codec || rows.length === 0) return rows;
    const opened = await codec.openPublished(this.options.entityManager.fork(), rows.map((row) => ({ eventId: row.event_id, data: row.data })));
    return rows.map((row, index) => ({ ...row, data: opened[index]!.data, personal_key_ids: opened[index]!.personalKeyIds }));
  }

  private async publish(row: PublishableRow): Promise<PubAck> {
    const body = cloudEventOf(row);
    const headers = natsHeaders();
    headers.set('Content-Type', CLOUDEVENTS_CONTENT_TYPE);
    // retries: 1 — a retry inside the client could overtake later messages of the batch.
    return this.js.publish(row.publish_subject, body, {
      msgID: row.event_id,
      headers,
      timeout: this.publishTimeoutMs,
      retries: 1,
    });
  }

  private async loadCheckpoint(): Promise<GlobalCheckpoint> {
    const em = this.options.entityManager.fork();
    await query(em, 'insert into mutuo_outbox_checkpoints (relay) values (?) on conflict (relay) do nothing', [this.checkpointName]);
    const [row] = await query<{ transaction_id: string; global_position: string }>(
      em,
      'select transaction_id, global_position from mutuo_outbox_checkpoints where relay = ?',
      [this.checkpointName],
    );
    if (!row) throw new Error(`The outbox checkpoint "${this.checkpointName}" vanished`);
    return { transactionId: String(row.transaction_id), globalPosition: String(row.global_position) };
  }

  private async moveCheckpoint(to: GlobalCheckpoint, epoch: number): Promise<void> {
    await query(this.options.entityManager.fork(), MOVE_CHECKPOINT_SQL, [to.transactionId, to.globalPosition, this.checkpointName, to.transactionId, to.globalPosition], {
      preparedAs: 'mutuo_outbox_move_checkpoint_v1',
    });
    // Leadership lost meanwhile: the next leader's position is in the database, not here.
    if (epoch === this.leadershipEpoch) this.position = to;
  }

  private async hasPending(): Promise<boolean> {
    // A scalar subquery keeps ORDER BY … LIMIT 1, so it walks the publish index from the checkpoint; an
    // EXISTS would drop the ordering, and the planner, guessing a third of the table matches, would scan it.
    const [row] = await query<{ pending: boolean }>(
      this.options.entityManager.fork(),
      `select (select 1 ${AFTER_CHECKPOINT} order by transaction_id, global_position limit 1) is not null as pending`,
      [this.checkpointName, this.checkpointName],
      { preparedAs: 'mutuo_outbox_has_pending_v1' },
    );
    return row?.pending ?? false;
  }

  private async countPending(): Promise<number> {
    return this.options.entityManager.fork().transactional(async (em) => {
      // The planner cannot estimate a range over xid8 and would scan the whole table to count a few rows.
      await query(em, 'set local enable_seqscan = off');
      const [row] = await query<{ pending: number }>(em, `select count(*)::int as pending ${AFTER_CHECKPOINT}`, [
        this.checkpointName,
        this.checkpointName,
      ]);
      return row?.pending ?? 0;
    });
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
