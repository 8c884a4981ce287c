/**
 * Runs tasks at most `concurrency` at a time, and tasks with the same key one after another in the order
 * they were dispatched: a consumer's messages of one aggregate never overtake each other.
 */
export class KeyedSerialDispatcher {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  private activeSlots = 0;

  constructor(private readonly concurrency: number) {}

  get inFlight(): number {
    return this.running.size;
  }

  /** Waits for a free slot; the caller then either dispatches or releases it. */
  async acquireSlot(): Promise<void> {
    if (this.activeSlots < this.concurrency) {
      this.activeSlots++;
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  /** Hands the slot straight to a waiter, or frees it. */
  releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.activeSlots--;
  }

  /**
   * Runs `task` after the previous task of `key`, holding a slot already acquired and releasing it when done.
   * `task` must not reject: a rejection would be unhandled.
   */
  dispatch(key: string, task: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run: Promise<void> = previous.then(task).finally(() => {
      this.releaseSlot();
      if (this.tails.get(key) === run) this.tails.delete(key);
      this.running.delete(run);
    });
    this.tails.set(key, run);
    this.running.add(run);
  }

  /** Waits for every task dispatched so far, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
