import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { MetricsRegistry } from './metrics';

/**
 * Answers a scrape in the Prometheus text format. A metric that cannot be collected (the database is down, say)
 * answers 503 and is logged, like a failed readiness check.
 */
export async function sendMetrics(registry: MetricsRegistry, res: Response, logger?: Logger): Promise<void> {
  try {
    const text = await registry.metrics();
    res.status(200).type(registry.contentType).send(text);
  } catch (error) {
    logger?.warn({ err: error }, 'Metrics could not be collected');
    res.status(503).type('text/plain').send('metrics unavailable\n');
  }
}

/** GET /metrics for a plain express app (the gateway); services get it from MetricsModule. */
export function metricsEndpoint(registry: MetricsRegistry, logger?: Logger): RequestHandler {
  return (_req, res) => {
    void sendMetrics(registry, res, logger);
  };
}
