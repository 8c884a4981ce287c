import type { VariableNote } from './environment-reference';

/** docs/configuration.md: how the region's JetStream streams are kept (natsStreamVariablesShape). */
export const natsStreamVariableNotes: Readonly<Record<string, VariableNote>> = {
  NATS_ADMIN_URL: {
    description:
      'NATS URL with the provisioning user, for the operator commands (`operate.js streams …`, `dead-letters replay|discard`); `NATS_URL` when unset. Services never use it.',
    format: 'nats:// URL, comma-separated for a cluster',
    production: 'must carry credentials',
  },
  NATS_STREAM_REPLICAS: { description: 'Copies of each stream in the NATS cluster: 1 on a single server, 3 on a 3- or 5-node cluster (5 only on 5+ nodes).' },
  NATS_STREAM_MAX_AGE_DAYS: { description: "Days an event stays in its service's stream; 0 keeps events forever." },
  NATS_DEAD_LETTER_MAX_AGE_DAYS: { description: 'Days a dead letter stays in the dead-letter stream; 0 keeps them forever.' },
  NATS_STREAM_STORAGE: { description: 'Where JetStream keeps streams: `file` (survives restarts) or `memory` (tests only).', production: '`memory` refused' },
  NATS_DUPLICATE_WINDOW_SECONDS: { description: 'Seconds in which JetStream drops a republished event with the same id (the outbox relay retries within it).' },
};
