export interface CommandOutcome {
  /** When the command was sent (ms since epoch). */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** What the command returned (an id), or the error it failed with. */
  readonly result: { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string };
}

/**
 * Sends `command` at a steady rate on absolute due times (a slow answer does not push later commands back) until
 * `stop()` is called, with at most `maxInFlight` unanswered; every outcome is kept.
 */
export class SteadyLoad {
  readonly outcomes: CommandOutcome[] = [];
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly command: (index: number) => Promise<string>,
    private readonly maxInFlight = 100,
  ) {}

  start(): void {
    const intervalMs = 1000 / this.perSecond;
    const started = Date.now();
    this.loop = (async () => {
      for (let index = 0; !this.stopped; index++) {
        const waitMs = started + index * intervalMs - Date.now();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (this.stopped) break;
        while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
        this.send(index);
      }
    })();
  }

  /** Stops sending and resolves once every command sent has been answered. */
  async stop(): Promise<CommandOutcome[]> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.inFlight);
    return this.outcomes;
  }

  private send(index: number): void {
    const sentAt = Date.now();
    const sending: Promise<void> = this.command(index).then(
      (id) => void this.outcomes.push({ sentAt, answeredAt: Date.now(), result: { ok: true, id } }),
      (error: unknown) => void this.outcomes.push({ sentAt, answeredAt: Date.now(), result: { ok: false, error: (error as Error).message } }),
    );
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

/**
 * From each event's lag (handled − appended, ms) by append time: how long after `from` the lag was last at or above
 * `targetMs` (0 when it never was), and the largest lag after `from`.
 */
export function lagRecovery(
  events: readonly { appendedAt: number; lagMs: number }[],
  from: number,
  targetMs: number,
): { recoveredAfterMs: number; maxLagMs: number } {
  const after = events.filter((event) => event.appendedAt >= from);
  const over = after.filter((event) => event.lagMs >= targetMs);
  const lastOver = over.length === 0 ? from : Math.max(...over.map((event) => event.appendedAt + event.lagMs));
  return { recoveredAfterMs: lastOver - from, maxLagMs: Math.max(0, ...after.map((event) => event.lagMs)) };
}
