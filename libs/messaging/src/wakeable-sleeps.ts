/**
 * Waits that end early when their owner closes: a consumer's backoff sleeps and its waits on slow work,
 * so close() never waits out a delay.
 */
export class WakeableSleeps {
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly isClosing: () => boolean) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Waits for `work`, or less if the owner closes first. */
  untilClosedOr(work: Promise<unknown>): Promise<void> {
    if (this.isClosing()) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
      work.then(wake, wake);
    });
  }

  /** Ends every wait in progress. */
  wakeAll(): void {
    for (const wake of this.sleepers) wake();
  }
}
