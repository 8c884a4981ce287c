/**
 * How many times the handler itself refused each message (threw an error that is not an infrastructure failure),
 * by stream and stream sequence. JetStream's delivery count cannot serve: it also counts every redelivery caused by
 * an outage, a NATS restart or a process restart, and those must never bring a message closer to the dead-letter
 * stream. Kept in memory: after a process restart a refused message gets a fresh set of attempts, which errs on the
 * side of retrying rather than giving up. Bounded, dropping the oldest entries first (a dropped count only means
 * more attempts).
 */
export class RefusalCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Counts one more refusal and returns the total. */
  add(stream: string, streamSequence: number): number {
    const key = refusalKey(stream, streamSequence);
    const count = (this.counts.get(key) ?? 0) + 1;
    // Re-inserting moves the key to the end, so the oldest untouched entries are evicted first.
    this.counts.delete(key);
    this.counts.set(key, count);
    if (this.counts.size > this.capacity) this.counts.delete(this.counts.keys().next().value!);
    return count;
  }

  /** The message was handled or dead-lettered: its count is of no more use. */
  forget(stream: string, streamSequence: number): void {
    this.counts.delete(refusalKey(stream, streamSequence));
  }

  get size(): number {
    return this.counts.size;
  }
}

function refusalKey(stream: string, streamSequence: number): string {
  return `${stream}#${streamSequence}`;
}
