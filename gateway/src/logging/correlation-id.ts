import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

// Caller-supplied ids end up in logs and subgraph headers: accept only short, inert values.
const ACCEPTABLE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is acceptable, otherwise a fresh UUID. */
export function correlationIdFrom(headerValue: string | string[] | undefined): string {
  const candidate = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return candidate && ACCEPTABLE_CORRELATION_ID.test(candidate) ? candidate : randomUUID();
}

/** Assigns every request a correlation id (res.locals.correlationId) and echoes it in the response. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const correlationId = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
  res.locals.correlationId = correlationId;
  res.setHeader(CORRELATION_ID_HEADER, correlationId);
  next();
}
