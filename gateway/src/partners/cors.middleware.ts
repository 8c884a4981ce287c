import type { NextFunction, Request, Response } from 'express';

/** Headers a partner's browser app may send, and those its script may read from an answer. */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-correlation-id';
const EXPOSED_HEADERS = 'ratelimit, ratelimit-policy, retry-after, x-correlation-id';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the partner origins the operator configured, and for nobody else: an allowed origin gets its own name back
 * (never `*`, so a token can be sent), a preflight from it is answered here with 204; any other origin gets no CORS
 * header at all, so its browser keeps the answer from the page. Requests without an Origin (servers, curl) pass.
 */
export function corsForPartners(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'false');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    next();
  };
}

/** One origin as a browser sends it: scheme, host and port, nothing else. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
