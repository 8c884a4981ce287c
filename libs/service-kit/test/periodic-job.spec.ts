import { waitFor } from '@mutuo/testing';
import { PeriodicJob } from '../src';

/** A job whose runs are counted, and which can be told to fail or to hold a run open. */
class CountingJob extends PeriodicJob<number> {
  runs = 0;
  inFlight = 0;
  maxInFlight = 0;
  failNext = false;
  holdNext = false;
  release: (() => void) | undefined;
  readonly errors: string[];

  constructor(intervalMs: number, enabled = false) {
    const errors: string[] = [];
    super({ enabled, intervalMs }, { error: (_details: unknown, message?: string) => void errors.push(message ?? '') }, 'Counting failed');
    this.errors = errors;
  }

  async runOnce(): Promise<number> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.release === undefined && this.holdNext) {
        this.holdNext = false;
        await new Promise<void>((resolve) => (this.release = resolve));
      }
      if (this.failNext) {
        this.failNext = false;
        throw new Error('boom');
      }
      return ++this.runs;
    } finally {
      this.inFlight--;
    }
  }

  askForRun(): void {
    this.runSoon();
  }
}

describe('a periodic job', () => {
  const jobs: CountingJob[] = [];
  const job = (intervalMs: number, enabled = false) => {
    const created = new CountingJob(intervalMs, enabled);
    jobs.push(created);
    return created;
  };
  afterEach(async () => {
    for (const created of jobs.splice(0)) {
      created.release?.();
      await created.stop();
    }
  });

  it('runs at start and again after every interval, until stopped', async () => {
    const counting = job(20);
    counting.start();
    await waitFor(() => counting.runs >= 3, { description: 'three runs', timeoutMs: 5_000, intervalMs: 5 });
    await counting.stop();
    const runsWhenStopped = counting.runs;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(counting.runs).toBe(runsWhenStopped);
  });

  it('starts with the application only when enabled', async () => {
    const off = job(10, false);
    const on = job(10, true);
    off.onApplicationBootstrap();
    on.onApplicationBootstrap();
    await waitFor(() => on.runs >= 1, { description: 'the enabled job to run', timeoutMs: 5_000, intervalMs: 5 });
    expect(off.runs).toBe(0);
    await on.onModuleDestroy();
  });

  it('logs a failed run and keeps going', async () => {
    const counting = job(10);
    counting.failNext = true;
    counting.start();
    await waitFor(() => counting.runs >= 1, { description: 'a run after the failure', timeoutMs: 5_000, intervalMs: 5 });
    expect(counting.errors).toEqual(['Counting failed']);
  });

  it('never runs twice at once: a run asked for meanwhile follows the one in progress', async () => {
    const counting = job(60_000);
    counting.holdNext = true;
    counting.start();
    await waitFor(() => counting.release !== undefined, { description: 'the first run to be held', timeoutMs: 5_000, intervalMs: 5 });
    counting.askForRun();
    counting.askForRun();
    counting.release!();
    await waitFor(() => counting.runs >= 2, { description: 'the run asked for', timeoutMs: 5_000, intervalMs: 5 });
    expect(counting.maxInFlight).toBe(1);
    expect(counting.runs).toBe(2);
  });

  it('lets the run in progress finish when stopped, and runs nothing asked for afterwards', async () => {
    const counting = job(60_000);
    counting.holdNext = true;
    counting.start();
    await waitFor(() => counting.release !== undefined, { description: 'the first run to be held', timeoutMs: 5_000, intervalMs: 5 });
    const stopped = counting.stop();
    counting.release!();
    await stopped;
    expect(counting.runs).toBe(1);
    counting.askForRun();
    expect(counting.inFlight).toBe(0);
    expect(counting.runs).toBe(1);
  });
});
