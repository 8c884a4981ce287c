import type { RequestHandler } from 'express';
import { Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Seconds; from a health check's millisecond to a slow mutation. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Express middleware timing every request into `mutuo_http_request_duration_seconds{method,route,status}`. The route is
 * the matched pattern (`/graphql`, `/health/ready`, `/cap/:podId`), never the raw path, and `unmatched` for a 404 that
 * matched nothing: a scanner probing random paths cannot grow the label set. Install it before every other handler.
 */
export function httpRequestMetrics(registry: MetricsRegistry): RequestHandler {
  const duration = new Histogram({
    name: 'mutuo_http_request_duration_seconds',
    help: 'HTTP requests by method, matched route and status code, from arrival to the last byte sent',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.once('finish', () => {
      // baseUrl is set by app.use(path, …) mounts (the subgraph), route by app.get(path, …) and Nest's controllers.
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = `${req.baseUrl}${typeof routePath === 'string' ? routePath : ''}` || 'unmatched';
      stop({ method: KNOWN_METHODS.has(req.method) ? req.method : 'OTHER', route, status: String(res.statusCode) });
    });
    next();
  };
}
