import type { VariableNote } from '../config/environment-reference';

/** docs/configuration.md: OpenTelemetry tracing of every service and the gateway (telemetryVariablesShape). */
export const telemetryVariableNotes: Readonly<Record<string, VariableNote>> = {
  OTEL_EXPORTER_OTLP_ENDPOINT: { description: 'OTLP/HTTP collector base URL; traces are sent to <URL>/v1/traces. Unset: tracing is off.' },
  OTEL_EXPORTER_OTLP_HEADERS: { description: 'Headers sent with every OTLP export, e.g. an API key: key1=value1,key2=value2.' },
  OTEL_SERVICE_NAME: { description: 'The service.name resource attribute of the spans; defaults to mutuo-<service> (mutuo-gateway for the gateway).' },
  OTEL_TRACES_SAMPLER_ARG: {
    description: 'Share of new traces recorded (parent-based: a trace begun elsewhere keeps its own decision). 1 records every trace.',
  },
  OTEL_BSP_SCHEDULE_DELAY: { description: 'Milliseconds between two exports of finished spans.' },
};
