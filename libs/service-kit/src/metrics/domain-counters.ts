import type { StoredEvent } from '@mutuo/event-store';
import type { MetricsRegistry } from '@mutuo/platform';
import { Counter } from 'prom-client';

/** A label of a domain counter: read from the event's data, and bounded: a value outside `values` counts as `other`. */
export interface DomainCounterLabel {
  readonly values: readonly string[];
  readonly of: (data: Record<string, unknown>) => unknown;
}

/** A business fact worth counting ("requests posted"): one increment per appended event of `eventType`. */
export interface DomainCounter {
  /** Prometheus name, `mutuo_<what>_total`. */
  readonly name: string;
  readonly help: string;
  readonly eventType: string;
  readonly labels?: Readonly<Record<string, DomainCounterLabel>>;
}

export const OTHER_LABEL_VALUE = 'other';

/**
 * Counts appended events: every type in `mutuo_events_appended_total{event_type}`, and the service's domain counters.
 * Fed by the event store once the appending transaction has ended (a rolled-back append, rare, is counted too).
 */
export class AppendedEventMetrics {
  private readonly appended: Counter<'event_type'>;
  private readonly domain = new Map<string, { readonly counter: Counter<string>; readonly definition: DomainCounter }[]>();

  constructor(registry: MetricsRegistry, counters: readonly DomainCounter[]) {
    this.appended = new Counter({
      name: 'mutuo_events_appended_total',
      help: "Events appended to the service's event store, by type",
      labelNames: ['event_type'],
      registers: [registry],
    });
    for (const definition of counters) {
      const labels = Object.entries(definition.labels ?? {});
      const counter = new Counter({ name: definition.name, help: definition.help, labelNames: labels.map(([name]) => name), registers: [registry] });
      // Every combination shows at 0 from the first scrape, so rates and increases see the first event.
      for (const combination of combinations(labels.map(([name, label]) => [name, [...label.values, OTHER_LABEL_VALUE]] as const))) counter.inc(combination, 0);
      const forType = this.domain.get(definition.eventType) ?? [];
      forType.push({ counter, definition });
      this.domain.set(definition.eventType, forType);
    }
  }

  readonly count = (events: readonly StoredEvent[]): void => {
    for (const event of events) {
      this.appended.inc({ event_type: event.type });
      for (const { counter, definition } of this.domain.get(event.type) ?? []) counter.inc(labelsOf(definition, event));
    }
  };
}

function labelsOf(definition: DomainCounter, event: StoredEvent): Record<string, string> {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = {};
  for (const [name, label] of Object.entries(definition.labels ?? {})) {
    const value = label.of(data);
    labels[name] = typeof value === 'string' && label.values.includes(value) ? value : OTHER_LABEL_VALUE;
  }
  return labels;
}

function combinations(labels: readonly (readonly [string, readonly string[]])[]): Record<string, string>[] {
  return labels.reduce<Record<string, string>[]>(
    (partial, [name, values]) => partial.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value }))),
    [{}],
  );
}
