import { createLogger, exitOnConfigError } from '@mutuo/platform';
import { loadGatewayConfig } from './config/gateway-config';
import { createGatewayServer, type GatewayServer } from './server/gateway.server';

async function main(): Promise<void> {
  // A configuration problem is one readable line on stderr, no stack: the operator only needs the variable to fix.
  const config = await exitOnConfigError(() => loadGatewayConfig(process.env));

  const logger = createLogger('gateway', config.logLevel);
  let gateway: GatewayServer;
  try {
    // GATEWAY_BENCH_ANONYMOUS_TYPENAME: only `npm run bench:membership` sets it, for its no-token baseline; ignored in production.
    gateway = await createGatewayServer(config, { logger, anonymousTypenameQuery: process.env.GATEWAY_BENCH_ANONYMOUS_TYPENAME === 'true' });
  } catch (error) {
    logger.fatal({ reason: (error as Error).message }, `gateway failed to start: ${(error as Error).message}`);
    process.exit(1);
  }

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutdown requested');
    // Past the grace period (plus a margin for closing), leave anyway rather than hang the orchestrator.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGracePeriodMs + 5000).unref();
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
}

void main();
