import { DynamicModule, Global, Module } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { PostgresEventStore } from '@mutuo/event-store';
import { createMetricsRegistry, type MetricsRegistry } from '@mutuo/platform';
import type { Logger } from 'pino';
import { Clock, SystemClock } from './clock';

export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The environment the service was started with (tests pass their own): read a module's own variables from it. */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
/** The service's Prometheus registry (served on /metrics): where a module defines its own domain metrics. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export interface ServiceRuntime {
  readonly orm: MikroORM;
  readonly store: PostgresEventStore;
  readonly logger: Logger;
  readonly config: unknown;
  /** Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where every command, query and scheduler of the service takes "now" from; the system clock by default. */
  readonly clock?: Clock;
  /** A registry of its own when left out (tests that build the module without startService). */
  readonly metrics?: MetricsRegistry;
}

/**
 * Makes the service's database, event store, logger, config and clock injectable everywhere in the service.
 * The root EntityManager is never used directly: handlers fork it (global context is disallowed).
 */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      providers: [
        { provide: MikroORM, useValue: runtime.orm },
        { provide: EntityManager, useValue: runtime.orm.em },
        { provide: PostgresEventStore, useValue: runtime.store },
        { provide: SERVICE_LOGGER, useValue: runtime.logger },
        { provide: SERVICE_CONFIG, useValue: runtime.config },
        { provide: SERVICE_ENV, useValue: runtime.env ?? process.env },
        { provide: Clock, useValue: runtime.clock ?? new SystemClock() },
        { provide: METRICS_REGISTRY, useValue: runtime.metrics ?? createMetricsRegistry('unnamed') },
      ],
      exports: [MikroORM, EntityManager, PostgresEventStore, SERVICE_LOGGER, SERVICE_CONFIG, SERVICE_ENV, Clock, METRICS_REGISTRY],
    };
  }
}
