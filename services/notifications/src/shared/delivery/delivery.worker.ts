import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IdlePolling } from '@mutuo/event-store';
import { SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../channels/notifications.config';
import type { DeliveryState } from '../../domain/delivery.decider';
import { TIME_CRITICAL_KINDS } from '../../domain/notification-kinds';
import { BackgroundLane } from './background-lane';
import { DeliveryClaims } from './delivery-claims';
import { DeliveryCommands } from './delivery-commands';
import { DigestCollector } from './digest-collector';
import { forEachConcurrently, type Attempt, type DueRow } from './due-delivery';
import { FreshDeliveries } from './fresh-deliveries';
import { OutcomeRecorder } from './outcome-recorder';
import { SendsInFlight } from './sends-in-flight';
import { SingleDeliveryAttempt } from './single-delivery-attempt';
import { workerMetadata, WorkerTransactions } from './worker-transactions';

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

/** The longest pause between passes once idle: digests and interrupted sends wait at most this much longer. */
const IDLE_PASS_INTERVAL_MS = 10_000;

/** Deliveries claimed ("sending" committed) in one transaction, and claims sending at once. */
const CLAIM_SIZE = 100;
const CLAIMS_IN_FLIGHT = 2;

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
  /** Partner webhooks are posted beside the passes: a slow partner never holds up a sign-in code. */
  private readonly partners: BackgroundLane;
  /** Passes every `intervalMs` while there is work; once idle, rarer, but never later than the next retry due. */
  private readonly polling: IdlePolling;

  constructor(
    private readonly transactions: WorkerTransactions,
    private readonly deliveries: DeliveryCommands,
    private readonly single: SingleDeliveryAttempt,
    private readonly claims: DeliveryClaims,
    private readonly digests: DigestCollector,
    private readonly recorder: OutcomeRecorder,
    private readonly inFlight: SendsInFlight,
    private readonly clock: Clock,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(WORKER_STEPS) private readonly steps: WorkerStep[],
    private readonly fresh: FreshDeliveries,
  ) {
    this.polling = new IdlePolling({ intervalMs: config.worker.intervalMs, idleIntervalMs: Math.max(config.worker.intervalMs, IDLE_PASS_INTERVAL_MS) });
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
    this.polling.activity();
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
      const digests = await this.digests.collect(now);
      const fresh = this.fresh.take(this.config.worker.batchSize).map((delivery): DueRow => ({
        delivery_id: delivery.deliveryId,
        pod_id: delivery.podId,
        recipient_member_id: delivery.recipientMemberId,
        channel: delivery.channel,
      }));
      // While fresh work flows in (a broadcast), the read model lags behind it and would mostly list deliveries already
      // sent: scan a little, so retries and single notifications still move, without reloading thousands of streams.
      // Time-critical kinds (codes, emergencies) first: a backlog of anything else never holds them back.
      const scanned = await this.transactions.scan<DueRow>(
        `select delivery_id, pod_id, recipient_member_id, channel, kind from deliveries
         where status = 'pending' and digest = 'immediate' and not held_for_digest and next_attempt_at <= ?
         order by kind = any(?) desc, next_attempt_at limit ?`,
        [now.toISOString(), TIME_CRITICAL_KINDS, fresh.length > 0 ? Math.min(50, this.config.worker.batchSize) : this.config.worker.batchSize],
      );
      const seen = new Set(fresh.map((row) => row.delivery_id));
      const due = [
        ...fresh,
        ...scanned.filter((row) => !seen.has(row.delivery_id) && !this.inFlight.wasRecentlySent(row.delivery_id) && !this.inFlight.has(row.delivery_id)),
      ];
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
    for (const podRows of byPod.values())
      for (let index = 0; index < podRows.length; index += CLAIM_SIZE) claims.push(podRows.slice(index, index + CLAIM_SIZE));
    const count = (attempt: Attempt) => counts[attempt]++;
    const attemptLogged = async (row: DueRow) => {
      try {
        count(await this.single.attempt(row, now));
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
        const deferred = await this.claims.attemptClaim(claim, now, sendsPerClaim, count);
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
        await this.single.attempt(row, now);
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
        .then((report) => (report.attempted >= this.config.worker.batchSize / 2 || report.steps > 0 ? 0 : this.delayAfter(report)))
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

  /** The pause after a pass that left nothing to do at once: longer once idle, but not past the next retry due. */
  private async delayAfter(report: DeliveryWorkerReport): Promise<number> {
    if (report.attempted > 0 || report.recovered > 0 || report.digests > 0) this.polling.activity();
    const idleDelay = this.polling.nextDelayMs();
    if (idleDelay <= this.config.worker.intervalMs) return idleDelay;
    const due = `select min(next_attempt_at) as at from deliveries where status = 'pending' and digest = 'immediate' and not held_for_digest`;
    const [next] = await this.transactions.scan<{ at: Date | null }>(due, []);
    const dueInMs = next?.at ? new Date(next.at).getTime() - this.clock.now().getTime() : Number.POSITIVE_INFINITY;
    return Math.max(this.config.worker.intervalMs, Math.min(idleDelay, dueInMs));
  }

  private async recoverInterrupted(now: Date): Promise<number> {
    const stale = await this.transactions.scan<{ delivery_id: string; pod_id: string | null }>(
      `select delivery_id, pod_id from deliveries where status = 'sending' and updated_at <= ? order by updated_at limit ?`,
      [new Date(now.getTime() - this.config.worker.sendingLeaseMs).toISOString(), this.config.worker.batchSize],
    );
    for (const row of stale) {
      await this.transactions.inPod(row.pod_id, (tx) =>
        this.deliveries.handle(tx, row.pod_id, {
          type: 'RecoverInterruptedSend',
          data: { deliveryId: row.delivery_id },
          metadata: workerMetadata(now, row.pod_id),
        }),
      );
    }
    return stale.length;
  }

  /** Attempts one delivery at once (a coordinator's test-fire), with the same rules as the worker's passes. */
  async deliverNow(podId: string | null, deliveryId: string): Promise<DeliveryState> {
    const now = this.clock.now();
    await this.single.attempt({ delivery_id: deliveryId, pod_id: podId, recipient_member_id: null, channel: '' }, now);
    return (await this.transactions.inPod(podId, (tx) => this.deliveries.load(tx, podId, deliveryId))).state;
  }

  /**
   * The SMS provider's delivery receipt for a message it accepted; "undelivered" falls back to the next channel.
   * False when the delivery is not (yet) recorded as sent with that message: the provider tries again.
   */
  recordReceipt(podId: string | null, deliveryId: string, providerMessageId: string, status: 'delivered' | 'undelivered'): Promise<boolean> {
    return this.recorder.recordReceipt(podId, deliveryId, providerMessageId, status);
  }
}
