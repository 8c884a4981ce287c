import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/gateway-config';

export type { Logger };

/** JSON logs (stdout unless a destination is given); credentials are redacted should a header map be logged. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'headers["x-mutuo-gateway-secret"]'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
