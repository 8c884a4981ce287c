import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { currentContext } from '../context/request-context';

export type { Logger } from 'pino';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Secrets that must never reach a log line, wherever they are nested. */
const REDACTED_PATHS = [
  'token',
  '*.token',
  'identity.token',
  'password',
  '*.password',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-mutuo-gateway-secret"]',
  'req.headers["x-mutuo-gateway-secret"]',
];

/** Where a log line's pod, correlation and actor come from when no request is in progress (an event being handled, say). */
export type LogContextSource = () => Record<string, string | null | undefined> | undefined;

/**
 * JSON logs for one service. Every line carries the current request's pod, correlation id and
 * actor, so one request can be followed across services. `fallbackContext` supplies them outside
 * a GraphQL request, e.g. from the messaging lib's event context while a consumer handles an event.
 */
export function createLogger(service: string, level: LogLevel = 'info', destination?: DestinationStream, fallbackContext?: LogContextSource): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = currentContext();
      if (!context) return withoutUndefined(fallbackContext?.() ?? {});
      return withoutUndefined({
        podId: context.podId,
        correlationId: context.correlationId,
        causationId: context.causationId,
        actor: context.identity?.subject,
      });
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function withoutUndefined(record: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null)) as Record<string, string>;
}
