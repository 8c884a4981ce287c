import { OutboxRelay, ensureStreams, type MessagingLogger } from '@mutuo/messaging';
import { longestGapAfter, raftGroupWhole, storedMessages, waitFor, type NatsCluster } from '@mutuo/testing';
import type { BenchEnvironment, CleanupStack } from './bench-environment';
import { PRODUCING_SERVICE, newRequestStream, requestsEventStore, skipToEndOfEvents } from './request-events';
import { relayName } from './relay.scenario';
import { median } from './statistics';

export interface FailoverStallOptions {
  readonly kills: number;
  /** Single-event appends per second while the leader is killed. */
  readonly eventsPerSecond: number;
}

export interface FailoverStall {
  /** The node killed: the stream's leader at that moment. */
  readonly victim: string;
  /** Longest pause between two stored events, ending after the kill. */
  readonly stallMs: number;
  /** From the kill until JetStream stored events again, and until the node was back with its replica current. */
  readonly rejoinedAfterMs: number;
  readonly events: number;
}

export interface FailoverStallResult {
  readonly options: FailoverStallOptions;
  readonly kills: readonly FailoverStall[];
  readonly medianStallMs: number;
  /** Warnings the relay logged while publishing failed (it retries with backoff). */
  readonly relayWarnings: number;
}

const SETTLE_MS = 3_000;

/**
 * The time a killed NATS node costs: appends flow at a steady rate through an OutboxRelay configured as services
 * configure it, the leader of the stream is SIGKILLed, and the stall is the longest pause between two events stored
 * by JetStream (server timestamps) that ends after the kill. The node is restarted and its replica caught up
 * before the next kill; each kill hits whichever node leads by then.
 */
export async function measureFailoverStall(
  env: BenchEnvironment,
  cluster: NatsCluster,
  cleanup: CleanupStack,
  options: FailoverStallOptions,
): Promise<FailoverStallResult> {
  await ensureStreams(env.jsm, { prefix: env.prefix, services: [PRODUCING_SERVICE], replicas: env.replicas });
  await skipToEndOfEvents(env.orm.em.fork(), relayName(env));
  let relayWarnings = 0;
  const logger: MessagingLogger = { info: () => undefined, warn: () => void relayWarnings++, error: (message) => process.stderr.write(`relay: ${message}\n`) };
  const relay = new OutboxRelay({ entityManager: env.orm.em, nats: env.nc, lockConnection: env.databaseUrl, lockName: relayName(env), logger });
  const stopRelay = async () => {
    await relay.stop({ flushTimeoutMs: 0 });
    relay.dispose();
  };
  cleanup.defer('stop the failover relay', stopRelay);
  const store = requestsEventStore(env.prefix, () => relay.nudge());
  relay.start();
  const kills: FailoverStall[] = [];
  try {
    for (let kill = 0; kill < options.kills; kill++) {
      await env.jsm.streams.purge(env.eventStream);
      const appends = new SteadyAppends(options.eventsPerSecond, async () => {
        const { streamId, events } = newRequestStream(1);
        await store.append(env.orm.em.fork(), streamId, events, 'no_stream');
      });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const victim = (await env.jsm.streams.info(env.eventStream)).cluster?.leader;
      if (!victim) throw new Error(`${env.eventStream} has no leader before kill ${kill + 1}`);
      const killedAt = Date.now();
      await cluster.kill(victim);
      await waitFor(async () => (await env.jsm.streams.info(env.eventStream)).state.last_ts > new Date(killedAt + 1_000).toISOString(), {
        description: `${env.eventStream} to store events again after ${victim} was killed`,
        timeoutMs: 120_000,
        intervalMs: 200,
      });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const appended = await appends.stop();
      await relay.flush(60_000);
      // Right after a failover the JetStream API may still time out: ask again.
      const stored = await waitFor(() => storedMessages(env.nc, env.eventStream), {
        description: `the events stored in ${env.eventStream}`,
        timeoutMs: 60_000,
        intervalMs: 1_000,
      });
      const distinct = new Set(stored.map((message) => message.msgId)).size;
      if (stored.length !== appended || distinct !== appended) {
        throw new Error(`${env.eventStream} holds ${stored.length} events (${distinct} distinct) after ${appended} appends`);
      }
      await cluster.restart(victim);
      await waitFor(async () => raftGroupWhole(await env.jsm.streams.info(env.eventStream), env.replicas), {
        description: `${victim} to be a current replica of ${env.eventStream} again`,
        timeoutMs: 120_000,
        intervalMs: 250,
      });
      kills.push({
        victim,
        stallMs: longestGapAfter(
          stored.map((message) => message.storedAt),
          killedAt,
        ).gapMs,
        rejoinedAfterMs: Date.now() - killedAt,
        events: appended,
      });
    }
  } finally {
    await stopRelay();
  }
  return { options, kills, medianStallMs: median(kills.map((kill) => kill.stallMs)), relayWarnings };
}

/** One append per tick on absolute due times, never more than 100 in flight; `stop()` returns how many committed. */
class SteadyAppends {
  private stopped = false;
  private committed = 0;
  private failure: unknown;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: Promise<void>;

  constructor(perSecond: number, append: () => Promise<void>) {
    const started = Date.now();
    this.loop = (async () => {
      for (let tick = 0; !this.stopped && !this.failure; tick++) {
        const waitMs = started + (tick * 1000) / perSecond - Date.now();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        while (this.inFlight.size >= 100) await Promise.race(this.inFlight);
        const running: Promise<void> = append()
          .then(
            () => void this.committed++,
            (error: unknown) => void (this.failure ??= error),
          )
          .finally(() => this.inFlight.delete(running));
        this.inFlight.add(running);
      }
    })();
  }

  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    return this.committed;
  }
}
