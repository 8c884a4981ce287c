import type { ProjectionFailure, ProjectionLag, ProjectionRunner } from '@mutuo/event-store';
import type { MetricsRegistry } from '@mutuo/platform';
import { Counter, Gauge } from 'prom-client';
import { cachedReading, orLastValues } from './cached-reading';

/** Lag is read from the database at most this often, and only when scraped. */
const LAG_TTL_MS = 5_000;

/**
 * The projections' health as metrics: how many events each has not reached yet and how old the oldest of them is
 * (lag in events and seconds), how many it has parked (mutuo_parked_events) and how often it failed. Lag and parked
 * are read from the database at each scrape.
 */
export class ProjectionMetrics {
  private readonly failures: Counter<'projection'>;
  private runner: ProjectionRunner | undefined;

  constructor(registry: MetricsRegistry, projectionNames: readonly string[]) {
    this.failures = new Counter({
      name: 'mutuo_projection_failures_total',
      help: 'Failures applying events to a projection: parked events and retried batches',
      labelNames: ['projection'],
      registers: [registry],
    });
    // Every projection shows from the first scrape, at 0 until something happens.
    for (const projection of projectionNames) this.failures.inc({ projection }, 0);
    // A reading that fails (the database is down) leaves the last values: mutuo_ready says why, and the scrape still answers.
    const lags = orLastValues(cachedReading(LAG_TTL_MS, async () => (await this.runner?.lagWithAge()) ?? new Map<string, ProjectionLag>()));
    const parkedOf = orLastValues(async () => this.runner?.parkedCounts());
    new Gauge({
      name: 'mutuo_projection_lag_events',
      help: "Events of a projection's types after its checkpoint (not applied yet)",
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const [projection, behind] of (await lags()) ?? []) this.set({ projection }, behind.events);
      },
    });
    new Gauge({
      name: 'mutuo_projection_lag_seconds',
      help: 'Age of the oldest event a projection has not applied yet (how many seconds it is behind); 0 when caught up',
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const [projection, behind] of (await lags()) ?? []) this.set({ projection }, behind.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'mutuo_projection_parked_events',
      help: 'Events a projection set aside because it could not apply them (mutuo_parked_events), until retried',
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        const counts = await parkedOf();
        if (!counts) return;
        for (const projection of projectionNames) this.set({ projection }, counts.get(projection) ?? 0);
      },
    });
  }

  /** The runner is built with `countFailure`, so it is attached afterwards. */
  observe(runner: ProjectionRunner): void {
    this.runner = runner;
  }

  readonly countFailure = (failure: ProjectionFailure): void => {
    this.failures.inc({ projection: failure.projection });
  };
}
