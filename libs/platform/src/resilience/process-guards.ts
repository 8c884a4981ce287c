import type { Logger } from 'pino';
import { classifyTransientError } from '@mutuo/event-store';

export interface ProcessGuardOptions {
  /** How the process ends after an exception that leaves it in an unknown state; tests pass their own. */
  readonly exit?: (code: number) => void;
}

/**
 * Keeps a service running through failures that are not its own bugs. Node's default is to exit on an unhandled
 * rejection, so one floating promise rejected by a pool timeout during a database outage would take the whole
 * service down (and every request in flight with it). Here:
 * - an unhandled rejection is logged with its cause and whether it is transient, and the process goes on: the
 *   rejected promise has no one waiting for it, so nothing else depends on it;
 * - an uncaught exception caused by the infrastructure (say a pooled connection's socket error emitted with no
 *   listener when PostgreSQL restarts) is logged and the process goes on: the driver discards that connection;
 * - any other uncaught exception leaves the process in an unknown state: it is logged as fatal and the process
 *   exits 1, so the orchestrator starts a fresh one.
 * Returns a function that removes the guards.
 */
export function installProcessGuards(logger: Logger, options: ProcessGuardOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onRejection = (reason: unknown) => {
    const transient = classifyTransientError(reason);
    logger.error(
      { err: reason, transient: transient ?? undefined },
      transient
        ? 'Unhandled promise rejection caused by an unavailable dependency; the service keeps running'
        : 'Unhandled promise rejection (a promise nobody awaited failed); the service keeps running',
    );
  };
  const onException = (error: unknown) => {
    const transient = classifyTransientError(error);
    if (transient) {
      logger.error({ err: error, transient }, 'Uncaught exception caused by an unavailable dependency; the service keeps running');
      return;
    }
    logger.fatal({ err: error }, 'Uncaught exception: the process state is unknown, exiting');
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
