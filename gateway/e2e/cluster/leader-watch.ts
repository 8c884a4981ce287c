import type { JetStreamManager } from '@nats-io/jetstream';

export interface LeaderChange {
  /** ms since the epoch */
  readonly at: number;
  /** The stream's leader from then on; undefined while none answers. */
  readonly leader: string | undefined;
}

/** Asks every `intervalMs` who leads a stream, keeping each change: when the group had no leader, and who took over. */
export class LeaderWatch {
  readonly changes: LeaderChange[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(jsm: JetStreamManager, stream: string, intervalMs = 250) {
    this.loop = (async () => {
      while (this.running) {
        const leader = await jsm.streams.info(stream).then(
          (info) => info.cluster?.leader,
          () => undefined,
        );
        if (this.changes.at(-1)?.leader !== leader || this.changes.length === 0) this.changes.push({ at: Date.now(), leader });
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
  }

  /** Stops watching (again is fine) and returns the changes, with times relative to `origin`. */
  async stop(origin: number): Promise<{ afterMs: number; leader: string }[]> {
    this.running = false;
    await this.loop;
    return this.changes.map((change) => ({ afterMs: change.at - origin, leader: change.leader ?? '(none)' }));
  }
}
