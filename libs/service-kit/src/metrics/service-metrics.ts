import type { MikroORM } from '@mikro-orm/postgresql';
import type { StoredEvent } from '@mutuo/event-store';
import type { EventConsumerStats, NatsHealth, OutboxRelay } from '@mutuo/messaging';
import { createMetricsRegistry, databasePoolMetrics, httpRequestMetrics, type HealthCheck, type MetricsRegistry } from '@mutuo/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ServiceDefinition } from '../service-definition';
import { ConsumerMetrics } from './consumer-metrics';
import { AppendedEventMetrics } from './domain-counters';
import { natsConnectionMetrics } from './nats-metrics';
import { ProjectionMetrics } from './projection-metrics';
import { readinessMetric } from './readiness-metrics';
import { outboxRelayMetrics } from './relay-metrics';

export interface ServiceMetricsSources {
  readonly orm: MikroORM;
  readonly nats: NatsConnection;
  readonly natsHealth: NatsHealth;
  readonly logger: Logger;
}

/**
 * Every metric of a running service on its own registry (served on /metrics): HTTP, database pool, NATS connection,
 * outbox relay, consumer, projections, appended events and the service's domain counters. Metrics that need a
 * database or broker call are read only when scraped (and cached briefly): an idle service runs no timer for them.
 */
export class ServiceMetrics {
  readonly registry: MetricsRegistry;
  readonly projections: ProjectionMetrics;
  readonly consumer: ConsumerMetrics;
  readonly http: RequestHandler;
  private readonly appended: AppendedEventMetrics;
  private readonly stopFollowingNats: () => void;

  constructor(definition: ServiceDefinition, sources: ServiceMetricsSources) {
    this.registry = createMetricsRegistry(definition.name);
    this.http = httpRequestMetrics(this.registry);
    databasePoolMetrics(this.registry, sources.orm);
    this.stopFollowingNats = natsConnectionMetrics(this.registry, sources.natsHealth, sources.logger);
    this.projections = new ProjectionMetrics(
      this.registry,
      definition.projections.map((projection) => projection.name),
    );
    this.consumer = new ConsumerMetrics(this.registry, sources.nats);
    this.appended = new AppendedEventMetrics(this.registry, definition.domainCounters ?? []);
  }

  /** The checks of /health/ready, also reported as mutuo_ready. */
  observeReadiness(checks: Readonly<Record<string, HealthCheck>>): void {
    readinessMetric(this.registry, checks);
  }

  observeRelay(relay: OutboxRelay): void {
    outboxRelayMetrics(this.registry, relay);
  }

  observeConsumer(stats: () => EventConsumerStats | undefined): void {
    this.consumer.observe(stats);
  }

  readonly countAppended = (events: readonly StoredEvent[]): void => this.appended.count(events);

  dispose(): void {
    this.stopFollowingNats();
  }
}
