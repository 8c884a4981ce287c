import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { openSignInCodeDelivery, uuidV5 } from '@mutuo/contracts';
import type { CommandMetadata } from '@mutuo/domain';
import { query, setTransactionPod, StreamVersionConflict, type StoredEvent } from '@mutuo/event-store';
import { SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { EmailChannel } from '../channels/email.channel';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../channels/notifications.config';
import { AmbiguousSendError, notSent, type ChannelResult } from '../channels/send-outcome';
import { SmsChannel } from '../channels/sms.channel';
import { WebhookChannel } from '../channels/webhook.channel';
import type { DeliveryDetails, DeliveryFailed, DeliveryState, SendOutcome } from '../domain/delivery.decider';
import { quietHoursEndAfter, rateLimitHoldUntil } from '../domain/delivery-timing';
import { TIME_CRITICAL_KINDS, type NotificationKind } from '../domain/notification-kinds';
import { renderMessage } from '../domain/templates/render-message';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../migrations/channels.migration';
import { findRecipient, findRecipients, type RecipientProfile } from '../recipients/recipient-directory';
import { WebhookEndpointsHandler } from '../webhooks/webhook-endpoints.handler';
import { DeliveryCommands } from './delivery-commands';
import { BackgroundLane } from './background-lane';
import { FreshDeliveries } from './fresh-deliveries';
import { deliveryIdFor, NOTIFICATIONS_ACTOR } from './notification-dispatcher';
import { WorkerConnections } from './worker-connections';

/** Other periodic work the worker drives with the same clock (phone tree timeouts, area broadcast fan-out). */
export abstract class WorkerStep {
  abstract runOnce(now: Date): Promise<number>;
}
export const WORKER_STEPS = Symbol('WORKER_STEPS');

export interface DeliveryWorkerReport {
  readonly recovered: number;
  readonly digests: number;
  readonly attempted: number;
  readonly sent: number;
  readonly postponed: number;
  readonly failed: number;
  readonly steps: number;
}

interface DueRow {
  delivery_id: string;
  pod_id: string | null;
  recipient_member_id: string | null;
  channel: string;
  /** Known when the row comes from the read model; time-critical kinds go first. */
  kind?: string;
}

type Attempt = 'sent' | 'postponed' | 'failed' | 'skipped';

/** Deliveries claimed ("sending" committed) in one transaction, and claims sending at once. */
const CLAIM_SIZE = 100;
const CLAIMS_IN_FLIGHT = 2;
const RECENTLY_SENT_REMEMBERED = 50_000;

interface RecipientSend {
  readonly pod_id: string;
  readonly recipient_member_id: string;
  readonly channel: string;
  readonly sent_at: string;
}

/** The rate limit's log, in one statement. */
async function insertRecipientSends(tx: EntityManager, sends: readonly RecipientSend[]): Promise<void> {
  if (sends.length === 0) return;
  await query(
    tx,
    `insert into recipient_sends (pod_id, recipient_member_id, channel, sent_at)
     select s.pod_id, s.recipient_member_id, s.channel, s.sent_at from jsonb_to_recordset(?::jsonb) as s(pod_id uuid, recipient_member_id uuid, channel text, sent_at timestamptz)`,
    [JSON.stringify(sends)],
  );
}

interface Claimed {
  readonly row: DueRow;
  readonly started: { state: DeliveryState; version: number };
  readonly details: DeliveryDetails;
  readonly recipient: RecipientProfile;
}

interface Recorded {
  readonly item: Claimed;
  /** null: the channel could not tell whether it took the message. */
  readonly outcome: SendOutcome | null;
}

const DIGEST_NAMESPACE = '2f6b9d1e-7c3a-4e5f-8b0a-9d8c7b6a5f4e';
/** Kinds that are never held for quiet hours' end by default (a code is useless by then). */
const NEVER_QUIET: readonly string[] = ['sign-in-code', 'contact-verification-code'];

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * Sends what is due. Each delivery is marked "sending" in a committed transaction before the channel is called,
 * and its outcome recorded after; a delivery found still "sending" after the lease belonged to a process that died
 * mid-send and is recovered by the decider's rules (retried only on a deduplicating channel). Several replicas may
 * run it: optimistic concurrency lets exactly one of them start each attempt.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private wakeAgain = false;
  /** Deliveries this process is sending or has sent without having recorded it yet: their receipts come back later. */
  private readonly inFlight = new Set<string>();
  /**
   * Deliveries this process recorded as sent lately. The read model lags behind a broadcast and lists them as pending
   * for a while; skipping them spares reloading their streams. Only a hint: a sent delivery never becomes due again.
   */
  private readonly recentlySent = new Set<string>();
  /** Partner webhooks are posted beside the passes: a slow partner never holds up a sign-in code. */
  private readonly partners: BackgroundLane;

  constructor(
    private readonly em: EntityManager,
    private readonly deliveries: DeliveryCommands,
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
    private readonly webhook: WebhookChannel,
    private readonly endpoints: WebhookEndpointsHandler,
    private readonly clock: Clock,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(WORKER_STEPS) private readonly steps: WorkerStep[],
    private readonly fresh: FreshDeliveries,
    private readonly connections: WorkerConnections,
  ) {
    this.partners = new BackgroundLane(Math.max(1, Math.ceil(config.worker.concurrency / 2)), (error) =>
      this.logger.error({ err: error }, 'Partner webhook attempt failed; it is tried again at a later pass'),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.worker.enabled) return;
    this.fresh.onAdded(() => this.nudge());
    this.start();
  }

  /** New work was just committed: run a pass now (or right after the one running). */
  private nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.partners.idle();
  }

  /**
   * One pass: recover interrupted sends, collect digests, then send what is due while the other steps (an area
   * broadcast's next batch, say) run alongside: what they decide is sent by the next pass.
   */
  async runOnce(): Promise<DeliveryWorkerReport> {
    const now = this.clock.now();
    const recovered = await this.recoverInterrupted(now);
    const stepsDone = this.runSteps(now);
    // Awaited below; a handler now keeps an early failure from counting as an unhandled rejection (which ends the process).
    stepsDone.catch(() => undefined);
    try {
      const digests = await this.collectDigests(now);
      const fresh = this.fresh
        .take(this.config.worker.batchSize)
        .map((delivery): DueRow => ({ delivery_id: delivery.deliveryId, pod_id: delivery.podId, recipient_member_id: delivery.recipientMemberId, channel: delivery.channel }));
      // While fresh work flows in (a broadcast), the read model lags behind it and would mostly list deliveries already
      // sent: scan a little, so retries and single notifications still move, without reloading thousands of streams.
      // Time-critical kinds (codes, emergencies) first: a backlog of anything else never holds them back.
      const scanned = await this.scan<DueRow>(
        `select delivery_id, pod_id, recipient_member_id, channel, kind from deliveries
         where status = 'pending' and digest = 'immediate' and not held_for_digest and next_attempt_at <= ?
         order by kind = any(?) desc, next_attempt_at limit ?`,
        [now.toISOString(), TIME_CRITICAL_KINDS, fresh.length > 0 ? Math.min(50, this.config.worker.batchSize) : this.config.worker.batchSize],
      );
      const seen = new Set(fresh.map((row) => row.delivery_id));
      const due = [...fresh, ...scanned.filter((row) => !seen.has(row.delivery_id) && !this.recentlySent.has(row.delivery_id) && !this.inFlight.has(row.delivery_id))];
      const counts: Record<Attempt, number> = { sent: 0, postponed: 0, failed: 0, skipped: 0 };
      // Rounds of at most one delivery per recipient and channel: their rate limit then sees each send before deciding the next.
      const lanes = new Map<string, DueRow[]>();
      for (const row of due) {
        const key = `${row.recipient_member_id ?? row.delivery_id}:${row.channel}`;
        const lane = lanes.get(key);
        if (lane) lane.push(row);
        else lanes.set(key, [row]);
      }
      for (let round = 0; ; round++) {
        const rows = [...lanes.values()].flatMap((lane) => (lane[round] ? [lane[round]!] : []));
        if (rows.length === 0) break;
        await this.sendRound(rows, now, counts);
      }
      return { recovered, digests, attempted: due.length, sent: counts.sent, postponed: counts.postponed, failed: counts.failed, steps: await stepsDone };
    } finally {
      await stepsDone.catch(() => undefined);
    }
  }

  private async runSteps(now: Date): Promise<number> {
    let steps = 0;
    for (const step of this.steps) steps += await step.runOnce(now);
    return steps;
  }

  /**
   * Members' deliveries go in claims of CLAIM_SIZE per pod, two claims at a time, each with half the send concurrency;
   * codes one by one, first; partner webhooks to the background lane, as far as it has room.
   */
  private async sendRound(rows: readonly DueRow[], now: Date, counts: Record<Attempt, number>): Promise<void> {
    const claims: DueRow[][] = [];
    const single: DueRow[] = [];
    const byPod = new Map<string | null, DueRow[]>();
    for (const row of rows) {
      if (row.channel === 'webhook') this.offerToPartnerLane(row, now);
      else if (row.recipient_member_id === null) single.push(row);
      else {
        const podRows = byPod.get(row.pod_id);
        if (podRows) podRows.push(row);
        else byPod.set(row.pod_id, [row]);
      }
    }
    for (const podRows of byPod.values()) for (let index = 0; index < podRows.length; index += CLAIM_SIZE) claims.push(podRows.slice(index, index + CLAIM_SIZE));
    const count = (attempt: Attempt) => counts[attempt]++;
    const attemptLogged = async (row: DueRow) => {
      try {
        count(await this.attempt(row, now));
      } catch (error) {
        counts.failed++;
        this.logger.error({ err: error, deliveryId: row.delivery_id }, 'Delivery attempt failed; it is tried again at the next pass');
      }
    };
    await forEachConcurrently(single, this.config.worker.concurrency, attemptLogged);
    const claimsInFlight = Math.min(CLAIMS_IN_FLIGHT, claims.length);
    const sendsPerClaim = Math.max(1, Math.floor(this.config.worker.concurrency / Math.max(1, claimsInFlight)));
    await forEachConcurrently(claims, claimsInFlight, async (claim) => {
      try {
        const deferred = await this.attemptClaim(claim, now, sendsPerClaim, count);
        await forEachConcurrently(deferred, sendsPerClaim, attemptLogged);
      } catch (error) {
        counts.failed += claim.length;
        this.logger.error({ err: error, deliveries: claim.length }, 'Delivery claim failed; its deliveries are tried again at the next pass');
      }
    });
  }

  /** A partner's webhook goes to the background lane; when the lane is full it stays due for a later pass. */
  private offerToPartnerLane(row: DueRow, now: Date): void {
    if (this.inFlight.has(row.delivery_id)) return;
    this.inFlight.add(row.delivery_id);
    const started = this.partners.offer(async () => {
      try {
        await this.attempt(row, now);
      } finally {
        this.inFlight.delete(row.delivery_id);
      }
    });
    if (!started) this.inFlight.delete(row.delivery_id);
  }

  /** Runs passes until one finds nothing due (for tests and the benchmark). */
  async drain(maxPasses = 1_000): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      const report = await this.runOnce();
      const partnersBusy = this.partners.active > 0;
      await this.partners.idle();
      if (report.attempted === 0 && report.digests === 0 && report.recovered === 0 && report.steps === 0 && !partnersBusy) return;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((report) => (report.attempted >= this.config.worker.batchSize / 2 || report.steps > 0 ? 0 : this.config.worker.intervalMs))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'Delivery pass failed; it runs again at the next interval');
          return this.config.worker.intervalMs;
        })
        .then((delay) => {
          this.running = undefined;
          const again = this.wakeAgain;
          this.wakeAgain = false;
          this.schedule(again ? 0 : delay);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /** A read across pods. Urgent: one short query that finds what is due (codes among it) goes before queued sends. */
  private scan<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    return this.connections.run(
      () =>
        this.em.fork().transactional(async (tx) => {
          await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
          return query<Row>(tx, sql, params);
        }),
      true,
    );
  }

  /** One transaction on one of the worker's connections; `work` must not ask for another (nor call inPod). */
  private inPod<T>(podId: string | null, work: (tx: EntityManager) => Promise<T>, urgent = false): Promise<T> {
    return this.connections.run(
      () =>
        this.em.fork().transactional(async (tx) => {
          await setTransactionPod(tx, podId);
          return work(tx);
        }),
      urgent,
    );
  }

  private metadata(now: Date, podId: string | null, causationId?: string): CommandMetadata {
    return { now: now.toISOString(), actorId: NOTIFICATIONS_ACTOR, ...(podId ? { podId } : {}), ...(causationId ? { causationId } : {}) };
  }

  private async recoverInterrupted(now: Date): Promise<number> {
    const stale = await this.scan<{ delivery_id: string; pod_id: string | null }>(
      `select delivery_id, pod_id from deliveries where status = 'sending' and updated_at <= ? order by updated_at limit ?`,
      [new Date(now.getTime() - this.config.worker.sendingLeaseMs).toISOString(), this.config.worker.batchSize],
    );
    for (const row of stale) {
      await this.inPod(row.pod_id, (tx) =>
        this.deliveries.handle(tx, row.pod_id, { type: 'RecoverInterruptedSend', data: { deliveryId: row.delivery_id }, metadata: this.metadata(now, row.pod_id) }),
      );
    }
    return stale.length;
  }

  private async attempt(row: DueRow, now: Date): Promise<Attempt> {
    const podId = row.pod_id;
    const metadata = this.metadata(now, podId);
    let started: { state: DeliveryState; version: number } | undefined;
    // A code or an emergency goes before bulk work waiting for one of the worker's connections.
    const urgent = (TIME_CRITICAL_KINDS as readonly (string | undefined)[]).includes(row.kind);
    const prepared = await this.inPod(podId, async (tx) => {
      const loaded = await this.deliveries.load(tx, podId, row.delivery_id);
      const { state } = loaded;
      if (state.status !== 'pending' || state.nextAttemptAt > now.toISOString()) return null;
      const { details } = state;
      const recipient = details.recipient.type === 'member' ? await findRecipient(tx, details.recipient.memberId) : null;
      if (details.recipient.type === 'member' && (!recipient || recipient.erased)) {
        await this.deliveries.handle(tx, podId, { type: 'CancelDelivery', data: { deliveryId: details.deliveryId, reason: 'The member is gone' }, metadata });
        return null;
      }
      const hold = recipient ? await this.holdUntil(tx, details, recipient, now) : null;
      if (hold) {
        await this.deliveries.handle(tx, podId, { type: 'PostponeDelivery', data: { deliveryId: details.deliveryId, until: hold.until.toISOString(), reason: hold.reason }, metadata });
        return 'postponed' as const;
      }
      // The endpoint's own stream, not its read model: a test-fire right after registering must find it.
      const endpointState = details.recipient.type === 'webhook-endpoint' && podId ? await this.endpoints.load(podId, details.recipient.endpointId, tx) : undefined;
      const endpoint = endpointState?.status === 'enabled' ? { url: endpointState.url, secret: endpointState.secret } : undefined;
      if (details.recipient.type === 'webhook-endpoint' && !endpoint) {
        await this.deliveries.handle(tx, podId, { type: 'CancelDelivery', data: { deliveryId: details.deliveryId, reason: 'The webhook endpoint is disabled' }, metadata });
        return null;
      }
      const attempt = await this.deliveries.handleLoaded(tx, podId, loaded, { type: 'StartSendAttempt', data: { deliveryId: details.deliveryId }, metadata });
      if (attempt.newEvents[0]?.type !== 'DeliveryAttemptStarted') return null;
      started = attempt;
      return { details, recipient, endpoint };
    }, urgent).catch((error: unknown) => {
      // Another worker started this attempt first.
      if (error instanceof StreamVersionConflict) return null;
      throw error;
    });
    if (prepared === null) return 'skipped';
    if (prepared === 'postponed') return 'postponed';
    // "sending" is committed: from here on a crash leaves a trace the recovery reads.
    let outcome: SendOutcome | null;
    try {
      outcome = await this.send(prepared.details, prepared.recipient, prepared.endpoint, now);
    } catch (error) {
      if (!(error instanceof AmbiguousSendError)) throw error;
      this.logger.warn({ deliveryId: row.delivery_id, err: error }, 'Send outcome unknown');
      outcome = null;
    }
    return this.inPod(podId, (tx) => this.recordOutcome(tx, podId, prepared.details, started!, outcome, now, metadata, null), urgent);
  }

  /**
   * Records what the channel said. `sends` collects the rate limit's log rows for the caller to insert in one go; null
   * inserts them here and decides against the stream again if something was appended since the attempt started (in a
   * savepoint, so the caller's transaction survives the conflict); with `sends`, a conflict fails the caller's transaction.
   */
  private async recordOutcome(
    tx: EntityManager,
    podId: string | null,
    details: DeliveryDetails,
    started: { state: DeliveryState; version: number },
    outcome: SendOutcome | null,
    now: Date,
    metadata: CommandMetadata,
    sends: RecipientSend[] | null,
  ): Promise<Attempt> {
    const deliveryId = details.deliveryId;
    if (outcome === null) {
      await this.deliveries.handle(tx, podId, { type: 'RecoverInterruptedSend', data: { deliveryId }, metadata });
      return 'failed';
    }
    const command = { type: 'RecordSendOutcome' as const, data: { deliveryId, outcome }, metadata };
    // Usually nothing was appended since the attempt started; if something was, decide against the stream again.
    const { newEvents, state } = sends
      ? await this.deliveries.handleLoaded(tx, podId, started, command)
      : await tx
          .transactional((savepoint) => this.deliveries.handleLoaded(savepoint, podId, started, command))
          .catch((error: unknown) => {
            if (error instanceof StreamVersionConflict) return this.deliveries.handle(tx, podId, command);
            throw error;
          });
    if (outcome.type === 'accepted' && details.recipient.type === 'member' && podId) {
      const send: RecipientSend = { pod_id: podId, recipient_member_id: details.recipient.memberId, channel: details.channel, sent_at: now.toISOString() };
      if (sends) sends.push(send);
      else await insertRecipientSends(tx, [send]);
    }
    if (details.recipient.type === 'webhook-endpoint' && podId) {
      await this.endpoints.recordAttempt(tx, podId, details.recipient.endpointId, outcome.type === 'accepted', outcome.type === 'accepted' ? null : outcome.error, metadata);
    }
    const failed = newEvents.find((event) => event.type === 'DeliveryFailed') as (StoredEvent & DeliveryFailed) | undefined;
    if (failed) await this.fallBack(tx, state, failed, now);
    return outcome.type === 'accepted' ? 'sent' : 'failed';
  }

  /**
   * Claims members' deliveries together: one transaction loads their streams, reads their recipients and recent sends
   * with one query each, cancels or postpones what must not go now, and commits "sending" for the rest; those are
   * then sent concurrently and their outcomes recorded in groups as they come back. The rules are the one-by-one path's.
   * Returns what must go one by one: deliveries that are not a member's rendered message, or the whole claim when
   * another worker appended to one of its streams meanwhile (the claim's transaction then commits nothing).
   */
  private async attemptClaim(rows: readonly DueRow[], now: Date, sendLimit: number, count: (attempt: Attempt) => void): Promise<DueRow[]> {
    const podId = rows[0]!.pod_id;
    const metadata = this.metadata(now, podId);
    const at = now.toISOString();
    let claim: { claimed: Claimed[]; settled: Attempt[]; deferred: DueRow[] };
    try {
      claim = await this.inPod(podId, async (tx) => {
        const claimed: Claimed[] = [];
        const settled: Attempt[] = [];
        const deferred: DueRow[] = [];
        const streams = await this.deliveries.loadMany(tx, podId, rows.map((row) => row.delivery_id));
        const loaded = rows.map((row) => ({ row, ...streams.get(row.delivery_id)! }));
        const memberIds = [...new Set(loaded.flatMap(({ state }) => (state.status !== 'none' && state.details.recipient.type === 'member' ? [state.details.recipient.memberId] : [])))];
        const recipients = await findRecipients(tx, memberIds);
        const recent = await this.recentSends(tx, memberIds, now);
        for (const { row, state, version } of loaded) {
          if (state.status !== 'pending' || state.nextAttemptAt > at) {
            settled.push('skipped');
            continue;
          }
          const { details } = state;
          if (details.recipient.type !== 'member' || details.content.type !== 'rendered') {
            deferred.push(row);
            continue;
          }
          const recipient = recipients.get(details.recipient.memberId);
          if (!recipient || recipient.erased) {
            await this.deliveries.handleLoaded(tx, podId, { state, version }, { type: 'CancelDelivery', data: { deliveryId: details.deliveryId, reason: 'The member is gone' }, metadata });
            settled.push('skipped');
            continue;
          }
          const hold = this.holdFor(details, recipient, now, recent.get(`${recipient.memberId}:${details.channel}`) ?? []);
          if (hold) {
            await this.deliveries.handleLoaded(tx, podId, { state, version }, { type: 'PostponeDelivery', data: { deliveryId: details.deliveryId, until: hold.until.toISOString(), reason: hold.reason }, metadata });
            settled.push('postponed');
            continue;
          }
          const started = await this.deliveries.handleLoaded(tx, podId, { state, version }, { type: 'StartSendAttempt', data: { deliveryId: details.deliveryId }, metadata });
          if (started.newEvents[0]?.type !== 'DeliveryAttemptStarted') settled.push('skipped');
          else claimed.push({ row, started, details, recipient });
        }
        return { claimed, settled, deferred };
      });
    } catch (error) {
      if (error instanceof StreamVersionConflict) return [...rows];
      throw error;
    }
    claim.settled.forEach(count);
    for (const item of claim.claimed) this.inFlight.add(item.row.delivery_id);
    // "sending" is committed for every claimed delivery: from here on a crash leaves a trace the recovery reads.
    // Outcomes are recorded as they come, in groups: whatever finished while the previous group was being committed
    // goes in the next transaction, so a receipt that overtakes our record of the send waits as little as possible.
    const unrecorded: Recorded[] = [];
    let recording: Promise<void> | undefined;
    const recordAll = async () => {
      while (unrecorded.length > 0) await this.recordGroup(podId, unrecorded.splice(0), now, metadata, count);
    };
    const recordSoon = () => {
      recording ??= recordAll().finally(() => {
        recording = undefined;
      });
    };
    await forEachConcurrently(claim.claimed, sendLimit, async (item) => {
      try {
        unrecorded.push({ item, outcome: await this.send(item.details, item.recipient, undefined, now) });
      } catch (error) {
        if (error instanceof AmbiguousSendError) {
          this.logger.warn({ deliveryId: item.row.delivery_id, err: error }, 'Send outcome unknown');
          unrecorded.push({ item, outcome: null });
        } else {
          // Left "sending": the recovery after the lease applies the channel's rule.
          count('failed');
          this.inFlight.delete(item.row.delivery_id);
          this.logger.error({ err: error, deliveryId: item.row.delivery_id }, 'Delivery attempt failed; it is recovered after the sending lease');
          return;
        }
      }
      recordSoon();
    });
    while (recording) await recording;
    await recordAll();
    return claim.deferred;
  }

  /** Records a group of outcomes in one transaction; each on its own if another writer touched one of the streams. */
  private async recordGroup(podId: string | null, group: readonly Recorded[], now: Date, metadata: CommandMetadata, count: (attempt: Attempt) => void): Promise<void> {
    try {
      try {
        const recorded = await this.inPod(podId, async (tx) => {
          const sends: RecipientSend[] = [];
          const results: Attempt[] = [];
          for (const { item, outcome } of group) results.push(await this.recordOutcome(tx, podId, item.details, item.started, outcome, now, metadata, sends));
          await insertRecipientSends(tx, sends);
          return results;
        });
        recorded.forEach(count);
        recorded.forEach((attempt, index) => {
          if (attempt === 'sent') this.rememberSent(group[index]!.item.row.delivery_id);
        });
      } catch (error) {
        if (!(error instanceof StreamVersionConflict)) throw error;
        // Someone appended to one of these streams meanwhile (a recovery, say): each is recorded on its own.
        for (const { item, outcome } of group) count(await this.inPod(podId, (tx) => this.recordOutcome(tx, podId, item.details, item.started, outcome, now, metadata, null)));
      }
    } catch (error) {
      // Left "sending": the recovery after the lease applies the channel's rule.
      group.forEach(() => count('failed'));
      this.logger.error({ err: error, deliveries: group.length }, 'Send outcomes could not be recorded; they are recovered after the sending lease');
    } finally {
      for (const { item } of group) this.inFlight.delete(item.row.delivery_id);
    }
  }

  private rememberSent(deliveryId: string): void {
    this.recentlySent.add(deliveryId);
    if (this.recentlySent.size > RECENTLY_SENT_REMEMBERED) this.recentlySent.delete(this.recentlySent.values().next().value!);
  }

  /** The members' sends still inside the rate limit's window, by member and channel. */
  private async recentSends(tx: EntityManager, memberIds: readonly string[], now: Date): Promise<Map<string, Date[]>> {
    const recent = new Map<string, Date[]>();
    if (memberIds.length === 0) return recent;
    const rows = await query<{ recipient_member_id: string; channel: string; sent_at: Date }>(
      tx,
      'select recipient_member_id, channel, sent_at from recipient_sends where recipient_member_id in (select jsonb_array_elements_text(?::jsonb)::uuid) and sent_at > ?',
      [JSON.stringify(memberIds), new Date(now.getTime() - this.config.rateLimit.windowMs).toISOString()],
    );
    for (const row of rows) {
      const key = `${row.recipient_member_id}:${row.channel}`;
      const sends = recent.get(key);
      if (sends) sends.push(new Date(row.sent_at));
      else recent.set(key, [new Date(row.sent_at)]);
    }
    return recent;
  }

  /** Quiet hours and the rate limit; null when the message may go now. */
  private async holdUntil(tx: EntityManager, details: DeliveryDetails, recipient: RecipientProfile, now: Date): Promise<{ until: Date; reason: 'quiet-hours' | 'rate-limit' } | null> {
    const recent = await this.recentSends(tx, [recipient.memberId], now);
    return this.holdFor(details, recipient, now, recent.get(`${recipient.memberId}:${details.channel}`) ?? []);
  }

  /** Quiet hours and the rate limit, given the member's recent sends on the delivery's channel. */
  private holdFor(details: DeliveryDetails, recipient: RecipientProfile, now: Date, recentSends: readonly Date[]): { until: Date; reason: 'quiet-hours' | 'rate-limit' } | null {
    if (!details.overridesQuietHours && !NEVER_QUIET.includes(details.kind)) {
      const quietEnd = quietHoursEndAfter(now, recipient.quietHours);
      if (quietEnd) return { until: quietEnd, reason: 'quiet-hours' };
    }
    if (details.kind === 'digest' || details.kind === 'partner-event' || TIME_CRITICAL_KINDS.includes(details.kind)) return null;
    const until = rateLimitHoldUntil([...recentSends], now, this.config.rateLimit);
    return until ? { until, reason: 'rate-limit' } : null;
  }

  private async send(details: DeliveryDetails, recipient: RecipientProfile | null, endpoint: { url: string; secret: string } | undefined, now: Date): Promise<ChannelResult> {
    const { content } = details;
    switch (details.channel) {
      case 'email': {
        if (content.type === 'sealed-code') {
          if (details.expiresAt && details.expiresAt <= now.toISOString()) return notSent(true, 'The code expired before it could be sent');
          let opened: { to: string; code: string };
          try {
            opened = openSignInCodeDelivery(this.config.codeDeliveryKey, { deliveryId: content.codeDeliveryId, purpose: content.purpose, sealed: content.sealed });
          } catch {
            return notSent(true, 'The sealed code does not open with this key');
          }
          const kind = content.purpose === 'sign-in' ? 'sign-in-code' : 'contact-verification-code';
          const message = renderMessage({ kind, locales: [content.locale], variant: 'standard', params: { code: opened.code, expiresAt: new Date(details.expiresAt!) }, timeZone: 'UTC' });
          return this.email.send({ deliveryId: details.deliveryId, to: opened.to, subject: message.subject, text: message.body, locale: message.locale });
        }
        if (content.type !== 'rendered') return notSent(true, 'Nothing to write in an e-mail');
        if (!recipient?.email) return notSent(true, 'The member has no e-mail address');
        return this.email.send({ deliveryId: details.deliveryId, to: recipient.email, subject: content.subject, text: content.body, locale: content.locale });
      }
      case 'sms':
        if (content.type !== 'rendered') return notSent(true, 'Nothing to write in an SMS');
        if (!recipient?.phone) return notSent(true, 'The member has no phone number');
        return this.sms.send({ deliveryId: details.deliveryId, podId: details.podId, to: recipient.phone, body: content.body });
      case 'webhook': {
        if (content.type !== 'webhook-payload' || !endpoint) return notSent(true, 'Nothing to post');
        const body = JSON.stringify({ id: details.deliveryId, type: content.eventType, podId: details.podId, data: content.payload });
        return this.webhook.send({ deliveryId: details.deliveryId, url: endpoint.url, secret: endpoint.secret, body, now });
      }
    }
  }

  /** Attempts one delivery at once (a coordinator's test-fire), with the same rules as the worker's passes. */
  async deliverNow(podId: string | null, deliveryId: string): Promise<DeliveryState> {
    const now = this.clock.now();
    await this.attempt({ delivery_id: deliveryId, pod_id: podId, recipient_member_id: null, channel: '' }, now);
    return (await this.inPod(podId, (tx) => this.deliveries.load(tx, podId, deliveryId))).state;
  }

  /**
   * The SMS provider's delivery receipt for a message it accepted; "undelivered" falls back to the next channel.
   * False when the delivery is not (yet) recorded as sent with that message: the provider tries again.
   */
  async recordReceipt(podId: string | null, deliveryId: string, providerMessageId: string, status: 'delivered' | 'undelivered'): Promise<boolean> {
    // Overtook our record of the send, which is on its way: no need to read the stream to know.
    if (this.inFlight.has(deliveryId)) return false;
    const now = this.clock.now();
    return this.inPod(podId, async (tx) => {
      const loaded = await this.deliveries.load(tx, podId, deliveryId);
      const { state } = loaded;
      // Not a delivery (a coordinator's test message): nothing to record.
      if (state.status === 'none') return true;
      if (state.status !== 'sent' && state.status !== 'failed') return false;
      if (state.status === 'failed' || state.providerMessageId !== providerMessageId) return state.status === 'failed';
      const handled = await this.deliveries.handleLoaded(tx, podId, loaded, { type: 'RecordDeliveryReceipt', data: { deliveryId, providerMessageId, status }, metadata: this.metadata(now, podId) });
      const failed = handled.newEvents.find((event) => event.type === 'DeliveryFailed') as (StoredEvent & DeliveryFailed) | undefined;
      if (failed) await this.fallBack(tx, handled.state, failed, now);
      return true;
    }).catch((error: unknown) => {
      // Something was appended to the delivery meanwhile: the provider tries again and the receipt is decided afresh.
      if (error instanceof StreamVersionConflict) return false;
      throw error;
    });
  }

  /** A channel failed for good: the same message on the member's next channel. */
  private async fallBack(tx: EntityManager, state: DeliveryState, failed: DeliveryFailed, now: Date): Promise<void> {
    const channel = failed.data.fallbackChannel;
    if (!channel || state.status === 'none' || state.details.recipient.type !== 'member') return;
    const { details } = state;
    await this.deliveries.decide(
      tx,
      {
        ...details,
        deliveryId: deliveryIdFor(details.causeEventId, details.recipient.type === 'member' ? details.recipient.memberId : '', channel),
        channel,
        fallbackChannels: details.fallbackChannels.slice(1),
        notBefore: now.toISOString(),
      },
      this.metadata(now, details.podId),
    );
  }

  /** Due digest items (chosen digests, or held back by the rate limit) become one message per member and channel. */
  private async collectDigests(now: Date): Promise<number> {
    const rows = await this.scan<DueRow>(
      `select delivery_id, pod_id, recipient_member_id, channel from deliveries
       where status = 'pending' and (digest <> 'immediate' or held_for_digest) and next_attempt_at <= ? and recipient_member_id is not null
       order by recipient_member_id, channel, decided_at limit ?`,
      [now.toISOString(), this.config.worker.batchSize],
    );
    const groups = new Map<string, DueRow[]>();
    for (const row of rows) {
      const key = `${row.recipient_member_id}:${row.channel}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const group of groups.values()) {
      const { pod_id: podId, recipient_member_id: memberId } = group[0]!;
      await this.inPod(podId, async (tx) => {
        const items: DeliveryDetails[] = [];
        for (const row of group) {
          const { state } = await this.deliveries.load(tx, podId, row.delivery_id);
          if (state.status === 'pending') items.push(state.details);
        }
        const recipient = await findRecipient(tx, memberId!);
        if (items.length === 0 || !recipient) return;
        const ids = items.map((item) => item.deliveryId).sort();
        const digestId = uuidV5(ids.join(','), DIGEST_NAMESPACE);
        const message = renderMessage({
          kind: 'digest',
          locales: recipient.locales,
          variant: recipient.preferences.plainLanguage ? 'plain' : 'standard',
          params: { count: items.length, items: items.map((item) => `- ${item.content.type === 'rendered' ? item.content.subject : item.kind}`).join('\n') },
          timeZone: recipient.timeZone,
        });
        const first = items[0]!;
        const metadata = this.metadata(now, podId);
        await this.deliveries.decide(
          tx,
          {
            deliveryId: digestId,
            podId,
            notificationId: null,
            causeEventId: `digest:${digestId}`,
            kind: 'digest' satisfies NotificationKind,
            recipient: { type: 'member', memberId: memberId! },
            channel: first.channel,
            content: { type: 'rendered', locale: message.locale, subject: message.subject, body: message.body },
            fallbackChannels: first.fallbackChannels,
            expiresAt: null,
            overridesQuietHours: false,
            digest: 'immediate',
            notBefore: now.toISOString(),
          },
          metadata,
        );
        for (const item of items) {
          await this.deliveries.handle(tx, podId, { type: 'IncludeInDigest', data: { deliveryId: item.deliveryId, digestDeliveryId: digestId }, metadata });
        }
      });
    }
    return groups.size;
  }
}
