export type WakeReason = 'nudge' | 'urgent';
export type SleepKind = 'poll' | 'backoff';

/**
 * When the outbox relay's loop runs: it sleeps between batches (a poll, or a backoff after a failure), a nudge
 * or an urgent wake-up ends the sleep early, and callers can wait for the loop's next batch.
 */
export class OutboxRelayScheduler {
  private wakeUp: ((reason: WakeReason) => void) | undefined;
  private sleepKind: SleepKind | undefined;
  private nudgedWhileBusy = false;
  private batchDone = new Set<() => void>();

  /** A nudge does not cut a failure backoff short; an urgent wake-up ends any sleep. */
  wake(reason: WakeReason): void {
    if (!this.wakeUp) {
      // Busy publishing: remember it, or an event committed during this batch would wait for the next poll.
      this.nudgedWhileBusy = true;
      return;
    }
    if (reason === 'nudge' && this.sleepKind === 'backoff') return;
    this.wakeUp(reason);
  }

  /** Whether a wake-up came while the loop was busy; clears it. */
  takeNudgedWhileBusy(): boolean {
    const nudged = this.nudgedWhileBusy;
    this.nudgedWhileBusy = false;
    return nudged;
  }

  sleep(ms: number, kind: SleepKind): Promise<void> {
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
  nextBatch(maxWaitMs: number): Promise<void> {
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

  signalBatchDone(): void {
    const waiting = [...this.batchDone];
    this.batchDone = new Set();
    for (const finish of waiting) finish();
  }
}
