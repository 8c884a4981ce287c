import { CORRELATION_ID_HEADER, correlationIdFrom } from '@mutuo/platform';
import type { NextFunction, Request, Response } from 'express';

/** Assigns every request a correlation id (res.locals.correlationId) and echoes it in the response. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const correlationId = correlationIdFrom(req.headers[CORRELATION_ID_HEADER]);
  res.locals.correlationId = correlationId;
  res.setHeader(CORRELATION_ID_HEADER, correlationId);
  next();
}
