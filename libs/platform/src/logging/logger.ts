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

/**
 * JSON logs for one service. Every line carries the current request's pod, correlation id and
 * actor, so one request can be followed across services.
 */
export function createLogger(service: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = currentContext();
      if (!context) return {};
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

function withoutUndefined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<string, string>;
}
