import type { OutboxRelay } from '@mutuo/messaging';
import type { MetricsRegistry } from '@mutuo/platform';
import { Counter, Gauge } from 'prom-client';
import { cachedReading, orLastValues } from './cached-reading';

/**
 * The outbox relay: its backlog (events committed but not yet published, and the age of the oldest: how far behind
 * the broker is), whether this replica leads, and its publish counts. The backlog is read from the database at most
 * once per `ttlMs`, only when scraped.
 */
export function outboxRelayMetrics(registry: MetricsRegistry, relay: OutboxRelay, ttlMs = 5_000): void {
  // A reading that fails (the database is down) leaves the last values: mutuo_ready says why, and the scrape still answers.
  const backlog = orLastValues(cachedReading(ttlMs, () => relay.backlog()));
  const stats = orLastValues(cachedReading(ttlMs, () => relay.stats()));
  new Gauge({
    name: 'mutuo_outbox_pending_events',
    help: 'Events committed to the outbox and not yet published to JetStream (the relay lag in events)',
    registers: [registry],
    async collect() {
      const current = await backlog();
      if (current) this.set(current.events);
    },
  });
  new Gauge({
    name: 'mutuo_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event not yet published (how many seconds the relay is behind); 0 when nothing waits',
    registers: [registry],
    async collect() {
      const current = await backlog();
      if (current) this.set(current.oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'mutuo_outbox_relay_leader',
    help: '1 on the replica whose relay holds the lock and publishes, 0 on the others',
    registers: [registry],
    collect() {
      return stats().then((current) => current && this.set(current.leader ? 1 : 0));
    },
  });
  // Mirrors of the relay's own totals: set at each scrape, monotonic while the process lives.
  mirroredCounter(registry, 'mutuo_outbox_published_total', 'Events this replica published to JetStream', async () => (await stats())?.published);
  mirroredCounter(
    registry,
    'mutuo_outbox_publish_failures_total',
    'Events whose publish failed (retried with backoff), one per attempt while NATS is disconnected',
    async () => (await stats())?.publishFailures,
  );
}

function mirroredCounter(registry: MetricsRegistry, name: string, help: string, total: () => Promise<number | undefined>): void {
  new Counter({
    name,
    help,
    registers: [registry],
    async collect() {
      const value = await total();
      if (value === undefined) return;
      this.reset();
      this.inc(value);
    },
  });
}
