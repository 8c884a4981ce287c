import { backoffDelay, type BackoffOptions } from './backoff';
import { errorMessage, stderrLogger, type MessagingLogger } from './logger';

export interface DependencyGateOptions {
  /** What the probe checks, for the log: "database". */
  readonly dependency: string;
  /** Resolves when the dependency answers (e.g. `select 1`), rejects otherwise. */
  readonly probe: () => Promise<void>;
  /** Pause before each probe. Default 250 ms doubling to 5 s. */
  readonly probeBackoff?: BackoffOptions;
  /** A probe that takes longer counts as failed. Default 5 s. */
  readonly probeTimeoutMs?: number;
  readonly logger?: MessagingLogger;
}

interface Outage {
  readonly since: number;
  readonly reopened: Promise<void>;
  readonly reopen: () => void;
}

/**
 * Open while a shared dependency (the service database) answers. Whoever sees it fail with a transient error
 * closes it; it then probes the dependency, with growing pauses, for as long as it takes, and opens again at the
 * first answer. Work that needs the dependency waits for it to open instead of failing over and over, so an
 * outage costs time, never attempts.
 */
export class DependencyGate {
  private outage: Outage | undefined;
  /** Bumped by dispose(), so a probing loop of before knows to stop. */
  private generation = 0;
  private wakeProber: (() => void) | undefined;
  private readonly probeBackoff: BackoffOptions;
  private readonly probeTimeoutMs: number;
  private readonly logger: MessagingLogger;

  constructor(private readonly options: DependencyGateOptions) {
    this.probeBackoff = { initialMs: 250, maxMs: 5_000, ...options.probeBackoff };
    this.probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
    this.logger = options.logger ?? stderrLogger;
  }

  get isOpen(): boolean {
    return this.outage === undefined;
  }

  /** Closes the gate, unless it is closed already, and starts probing. */
  reportUnavailable(error: unknown): void {
    if (this.outage) return;
    let reopen: () => void = () => undefined;
    const reopened = new Promise<void>((resolve) => (reopen = resolve));
    this.outage = { since: Date.now(), reopened, reopen };
    this.logger.warn(`The ${this.options.dependency} is unavailable: pausing until it answers`, { error: errorMessage(error) });
    void this.probeUntilAnswered(this.generation);
  }

  /** Resolves at once when open, otherwise when the dependency answers again (or the gate is disposed). */
  whenOpen(): Promise<void> {
    return this.outage?.reopened ?? Promise.resolve();
  }

  /** Stops probing and lets everyone waiting go: on shutdown, nobody should wait for a dependency any more. */
  dispose(): void {
    this.generation++;
    this.wakeProber?.();
    this.open();
  }

  private async probeUntilAnswered(generation: number): Promise<void> {
    for (let attempt = 1; generation === this.generation; attempt++) {
      await this.pause(backoffDelay(attempt, this.probeBackoff));
      if (generation !== this.generation) return;
      try {
        await withTimeout(this.options.probe(), this.probeTimeoutMs);
        const downForMs = Date.now() - (this.outage?.since ?? Date.now());
        this.logger.info(`The ${this.options.dependency} answers again: resuming`, { downForMs, probes: attempt });
        this.open();
        return;
      } catch {
        // Still down: the next probe waits a little longer.
      }
    }
  }

  private open(): void {
    const outage = this.outage;
    this.outage = undefined;
    outage?.reopen();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeProber = done;
    });
  }
}

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}
