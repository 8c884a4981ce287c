import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';

/** When a periodic job runs; a service's scheduler options carry these (plus whatever the job itself needs). */
export interface PeriodicJobSchedule {
  /** Whether the job starts with the application; tests leave it off and call `runOnce` or `start` themselves. */
  readonly enabled: boolean;
  /** Pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
}

/**
 * The loop around a scheduler's scan: `runOnce` runs at start, then again `intervalMs` after each run ended, never
 * twice at the same time; a run asked for while one is in progress follows right after it. A failed run is logged and
 * the loop goes on (the next run retries whatever was left). Stopping lets a run in progress finish. The scan itself
 * takes "now" from an injected clock, so tests drive it with `runOnce` and a manual clock instead of waiting.
 */
export abstract class PeriodicJob<Report = unknown> implements OnApplicationBootstrap, OnModuleDestroy {
  private jobTimer: NodeJS.Timeout | undefined;
  private jobRun: Promise<unknown> | undefined;
  private jobRunAgain = false;
  private jobStopped = true;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;

  protected constructor(
    private readonly jobSchedule: PeriodicJobSchedule,
    private readonly jobLogger: Pick<Logger, 'error'>,
    /** Logged when a run fails, e.g. 'Expiry scan failed; it runs again at the next interval'. */
    private readonly jobFailureMessage: string,
  ) {}

  /** One scan; called by the loop, and directly by tests. */
  abstract runOnce(): Promise<Report>;

  onApplicationBootstrap(): void {
    if (this.jobSchedule.enabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.jobStopped) return;
    this.jobStopped = false;
    this.runSoon();
  }

  /** No new run starts; a run in progress finishes. */
  async stop(): Promise<void> {
    this.jobStopped = true;
    clearTimeout(this.jobTimer);
    this.jobTimer = undefined;
    clearTimeout(this.wakeTimer);
    this.wakeAt = Number.POSITIVE_INFINITY;
    await this.jobRun;
  }

  protected get started(): boolean {
    return !this.jobStopped;
  }

  /** Runs now instead of at the next interval, or right after the run in progress; nothing once stopped. */
  protected runSoon(): void {
    if (this.jobStopped) return;
    if (this.jobRun) {
      this.jobRunAgain = true;
      return;
    }
    clearTimeout(this.jobTimer);
    this.jobTimer = undefined;
    this.jobRun = this.runOnce()
      .catch((error: unknown) => this.jobLogger.error({ err: error }, this.jobFailureMessage))
      .finally(() => {
        this.jobRun = undefined;
        if (this.jobRunAgain) {
          this.jobRunAgain = false;
          this.runSoon();
        } else {
          this.scheduleNext();
        }
      });
  }

  /**
   * Something falls due at `at`: run then, when that comes before the next regular run and before a wake-up already
   * set; so a job with a long interval still acts on time for what it was told about.
   */
  protected runAt(at: Date, now: Date): void {
    if (this.jobStopped) return;
    const time = at.getTime();
    if (time - now.getTime() > this.jobSchedule.intervalMs || time >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = time;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.runSoon();
      },
      // A few milliseconds late rather than early: a scan before the due time finds nothing due.
      Math.max(0, time - now.getTime()) + 5,
    );
    this.wakeTimer.unref?.();
  }

  private scheduleNext(): void {
    if (this.jobStopped) return;
    this.jobTimer = setTimeout(() => this.runSoon(), this.jobSchedule.intervalMs);
    this.jobTimer.unref?.();
  }
}
