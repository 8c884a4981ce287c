import { checkReadiness, type HealthCheck, type MetricsRegistry } from '@mutuo/platform';
import { Gauge } from 'prom-client';
import { cachedReading } from './cached-reading';

const READY_TTL_MS = 5_000;

/**
 * `mutuo_ready`: 1 while the instance's readiness checks pass (it can serve its API), 0 otherwise. The same checks
 * as /health/ready, run at scrape time (cached briefly), so a human sees what the load balancer acts on.
 */
export function readinessMetric(registry: MetricsRegistry, checks: Readonly<Record<string, HealthCheck>>, timeoutMs = 2_000): void {
  const ready = cachedReading(READY_TTL_MS, async () => (await checkReadiness(checks, timeoutMs)).status === 'ready');
  new Gauge({
    name: 'mutuo_ready',
    help: '1 while the instance can serve its API (its readiness checks pass: the database answers), 0 otherwise',
    registers: [registry],
    async collect() {
      this.set((await ready()) ? 1 : 0);
    },
  });
}
