import { NatsProvisioningError } from '@mutuo/messaging';
import { ConfigError, PendingMigrationsError, createLogger, installGracefulShutdown, installProcessGuards } from '@mutuo/platform';
import { migrateService } from './migrate-service';
import { startService } from './start-service';
import type { ServiceDefinition } from './service-definition';

/**
 * Entry point of `services/<name>/src/main.ts`: start, then close cleanly on SIGTERM/SIGINT. Once running, an
 * unhandled rejection or an infrastructure error nobody caught is logged instead of ending the process.
 */
export function runServiceMain(definition: ServiceDefinition): void {
  startService(definition).then(
    (service) => {
      installProcessGuards(service.logger);
      installGracefulShutdown({ close: () => service.close() }, service.logger, { timeoutMs: 20_000 });
    },
    (error: unknown) => exitWithStartupError(definition, error),
  );
}

/** Entry point of `services/<name>/src/migrate.ts`. */
export function runMigrateMain(definition: ServiceDefinition): void {
  migrateService(definition).then(
    (applied) => {
      process.stdout.write(`${definition.name}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'}\n`);
    },
    (error: unknown) => exitWithStartupError(definition, error),
  );
}

function exitWithStartupError(definition: ServiceDefinition, error: unknown): void {
  if (error instanceof ConfigError || error instanceof NatsProvisioningError || error instanceof PendingMigrationsError) {
    // One clear line, no stack: the operator fixes a variable or runs the command the line names.
    process.stderr.write(`${definition.name}: ${error.message}\n`);
  } else {
    createLogger(definition.name, 'info').fatal({ err: error }, `${definition.name} could not start`);
  }
  process.exit(1);
}
