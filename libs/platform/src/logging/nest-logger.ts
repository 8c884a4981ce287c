import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const STACK_TRACE = /\n\s+at /;

/**
 * Lets NestJS write through pino, so its bootstrap and exception logs are JSON like ours.
 * Use with `NestFactory.create(AppModule, { logger: new NestPinoLogger(logger) })`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    // Nest calls error(message, stack?, context?); a lone string is a stack only if it looks like one.
    const [first, second] = optionalParams;
    let stack: string | undefined;
    let rest = optionalParams;
    if (typeof first === 'string' && (optionalParams.length === 2 || STACK_TRACE.test(first))) {
      stack = first;
      rest = optionalParams.length === 2 ? [second] : [];
    }
    this.write('error', message, rest, stack);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: PinoMethod, message: unknown, optionalParams: unknown[], stack?: string): void {
    const last = optionalParams[optionalParams.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
