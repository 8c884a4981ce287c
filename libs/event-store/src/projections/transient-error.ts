import { pgErrorCode } from '../sql';

/**
 * SQLSTATE classes and codes that say "the infrastructure, not this event": the connection dropped, the server is
 * shutting down or out of resources, a serialization failure or deadlock that a second attempt resolves.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const TRANSIENT_CLASSES = ['08', '53', '57P', '58'];
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57014']);
/** Node socket errors and the driver's / pool's own messages when no answer came at all. */
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const TRANSIENT_MESSAGES = [/connection terminated/i, /timeout acquiring a connection/i, /client has encountered a connection error/i, /connection.*(closed|ended)/i];

/**
 * Whether an error applying an event may go away by itself, so the batch is retried rather than the event parked.
 * Everything else (a bug, a constraint violation, a missing binding, data the projection cannot read) is the event's
 * own and would fail again the same way.
 */
export function isTransientError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = pgErrorCode(current);
    if (code && (TRANSIENT_CODES.has(code) || TRANSIENT_CLASSES.some((prefix) => code.startsWith(prefix)) || TRANSIENT_NODE_CODES.has(code))) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}
