import type { NatsHealth } from '@mutuo/messaging';
import type { MetricsRegistry } from '@mutuo/platform';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';

/**
 * Whether the service's NATS connection is up, as `mutuo_nats_connected` (0/1) and a log line at each change. A NATS
 * outage does not fail readiness: commands keep working (their events wait in the outbox), only events stop flowing.
 */
export function natsConnectionMetrics(registry: MetricsRegistry, health: NatsHealth, logger: Logger): () => void {
  new Gauge({
    name: 'mutuo_nats_connected',
    help: '1 while the connection to NATS is up, 0 while it is down (events wait in the outbox and consumers pause)',
    registers: [registry],
    collect() {
      this.set(health.connected ? 1 : 0);
    },
  });
  const disconnects = new Counter({
    name: 'mutuo_nats_disconnects_total',
    help: 'Times the connection to NATS was lost',
    registers: [registry],
  });
  return health.onChange((connected) => {
    if (connected) {
      logger.info('NATS connection is back; the outbox relay and consumers resume');
    } else {
      disconnects.inc();
      logger.warn('NATS connection lost; commands keep working, their events wait in the outbox until it is back');
    }
  });
}
