import type { INestApplication } from '@nestjs/common';
import type express from 'express';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';

export type MetricsRegistry = Registry;

/**
 * The registry of one running service: its metrics carry a `service` label. Never prom-client's global registry:
 * tests start several services in one process, and each must only report its own.
 */
export function createMetricsRegistry(service: string): MetricsRegistry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  return registry;
}

/**
 * GET /metrics in the Prometheus text format, next to the health endpoints (same port, same audience: operators'
 * scrapers, never the gateway's clients). A metric that cannot be collected (the database is down, say) answers
 * 503 and is logged, like a failed readiness check. Call before `app.listen()`.
 */
export function mountMetrics(app: INestApplication, registry: MetricsRegistry, options: { logger?: Logger } = {}): void {
  const expressApp = app.getHttpAdapter().getInstance() as express.Express;
  expressApp.get('/metrics', async (_req, res) => {
    try {
      const text = await registry.metrics();
      res.status(200).type(registry.contentType).send(text);
    } catch (error) {
      options.logger?.warn({ err: error }, 'Metrics could not be collected');
      res.status(503).type('text/plain').send('metrics unavailable\n');
    }
  });
}
