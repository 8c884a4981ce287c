/**
 * Work that runs beside the worker's passes, at most `limit` at once, so a slow partner never holds up the next pass
 * (and with it a sign-in code). When the lane is full, nothing is queued here: the work stays due in the database and a
 * later pass offers it again. That is the backpressure.
 */
export class BackgroundLane {
  private readonly running = new Set<Promise<void>>();

  constructor(
    readonly limit: number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`A lane needs a positive whole limit, got ${limit}`);
  }

  get active(): number {
    return this.running.size;
  }

  /** Starts `work` now if there is room; false when the lane is full. */
  offer(work: () => Promise<void>): boolean {
    if (this.running.size >= this.limit) return false;
    const task: Promise<void> = Promise.resolve()
      .then(work)
      .catch(this.onError)
      .finally(() => this.running.delete(task));
    this.running.add(task);
    return true;
  }

  /** Resolves once nothing runs (work started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
