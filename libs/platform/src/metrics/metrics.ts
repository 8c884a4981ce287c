import { Registry } from 'prom-client';

export type MetricsRegistry = Registry;

/**
 * The registry of one running service: its metrics carry a `service` label. Never prom-client's global registry:
 * tests start several services in one process, and each must only report its own.
 */
export function createMetricsRegistry(service: string): MetricsRegistry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  return registry;
}
