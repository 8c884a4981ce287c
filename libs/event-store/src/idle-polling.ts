export interface IdlePollingOptions {
  /** The pause between polls while there is work, or was lately. */
  readonly intervalMs: number;
  /**
   * The longest pause once idle: polls then only guard against a missed wake-up (appends notify), so they can be
   * rare. Equal to `intervalMs` (the default), polling never slows down.
   */
  readonly idleIntervalMs?: number;
  /** How long after the last work or wake-up polls stay at `intervalMs`. Default 2 s. */
  readonly activeWindowMs?: number;
}

/**
 * The pause before a poll that follows one which found nothing: `intervalMs` for a while after any activity (an event
 * nudged may not be visible yet, waiting for an older transaction to end, see schema.ts), then doubling up to
 * `idleIntervalMs`. Idle services thus make a few queries a minute instead of several a second.
 */
export class IdlePolling {
  private readonly intervalMs: number;
  private readonly idleIntervalMs: number;
  private readonly activeWindowMs: number;
  private lastActivityAt = Date.now();
  private currentMs: number;

  constructor(options: IdlePollingOptions) {
    this.intervalMs = options.intervalMs;
    this.idleIntervalMs = Math.max(options.idleIntervalMs ?? options.intervalMs, options.intervalMs);
    this.activeWindowMs = options.activeWindowMs ?? 2_000;
    this.currentMs = this.intervalMs;
  }

  /** Work was found, a wake-up came, or something failed: poll at the short interval again. */
  activity(): void {
    this.lastActivityAt = Date.now();
    this.currentMs = this.intervalMs;
  }

  /** The pause before the next poll, after one that found nothing. */
  nextDelayMs(): number {
    if (Date.now() - this.lastActivityAt < this.activeWindowMs) return this.intervalMs;
    this.currentMs = Math.min(this.currentMs * 2, this.idleIntervalMs);
    return this.currentMs;
  }
}
