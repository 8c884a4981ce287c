import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';

export interface GracefulShutdownOptions {
  /** After this long the process exits with code 1 even if closing has not finished. */
  readonly timeoutMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** How the process ends; tests pass their own. */
  readonly exit?: (code: number) => void;
}

/**
 * On SIGTERM/SIGINT, closes the Nest app (providers' onModuleDestroy / beforeApplicationShutdown
 * run there: consumers stop, the outbox flushes, connections close), then exits 0. A hard timeout
 * guarantees the process ends; a second signal exits at once. Returns a function that uninstalls it.
 */
export function installGracefulShutdown(app: Pick<INestApplication, 'close'>, logger: Logger, options: GracefulShutdownOptions = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'Second shutdown signal: exiting now');
      exit(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal, timeoutMs }, 'Shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'Shutdown timed out: exiting');
      exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        clearTimeout(deadline);
        logger.info('Shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'Shutdown failed');
        exit(1);
      },
    );
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
