import { authVariableNotes } from './auth-variables.notes';
import type { VariableNote } from './environment-reference';

/** docs/configuration.md: the variables every service reads (serviceConfigSchema), described for operators. */
export const serviceConfigNotes: Readonly<Record<string, VariableNote>> = {
  NODE_ENV: { description: '`production` refuses every development default and shortcut listed in this reference.' },
  PORT: { description: 'HTTP port of the subgraph, `/health/live`, `/health/ready` and `/metrics`; `0` picks a free port (tests).' },
  HOST: {
    description:
      'Address to listen on. Every interface by default, as a container needs; `npm run up` and the tests use `127.0.0.1`. Logged URLs use `127.0.0.1` for the wildcard addresses.',
    format: 'host name or IP address',
  },
  REGION: { description: 'The region this deployment serves; written into every published event (CloudEvents `region`).', format: 'lowercase slug' },
  DATABASE_URL: {
    description: 'The service’s own database, as its runtime role (`mutuo_<service>_app`, no DDL rights).',
    format: 'postgres:// URL',
  },
  DATABASE_ADMIN_URL: {
    description:
      'The same database as its owner: used only by `migrate.js` and the operator commands, which create the database and role and apply migrations.',
    format: 'postgres:// URL',
  },
  DATABASE_APP_PASSWORD: { description: 'Password of the runtime role, when it is not in `DATABASE_URL` (migrations set it on the role).' },
  NATS_URL: { description: 'NATS JetStream servers; credentials in the URL.', format: 'nats:// or tls:// URL, comma-separated for a cluster' },
  NATS_PREFIX: {
    description: 'Prefix of the JetStream stream names and subjects; several platforms can share one NATS with different prefixes.',
    format: 'letters, digits, `-`, `_`',
  },
  NATS_ADMIN_URL: {
    description: 'NATS URL with the provisioning user, for `operate.js streams apply|status`; `NATS_URL` when unset. Services never use it.',
    format: 'nats:// URL, comma-separated for a cluster',
    production: 'must carry credentials',
  },
  NATS_STREAM_REPLICAS: { description: 'Copies of each stream in the NATS cluster: 1 on a single server, 3 on a 3- or 5-node cluster (5 only on 5+ nodes).' },
  NATS_STREAM_MAX_AGE_DAYS: { description: 'Days an event stays in its service’s stream; 0 keeps events forever.' },
  NATS_DEAD_LETTER_MAX_AGE_DAYS: { description: 'Days a dead letter stays in the dead-letter stream; 0 keeps them forever.' },
  NATS_STREAM_STORAGE: { description: 'Where JetStream keeps streams: `file` (survives restarts) or `memory` (tests only).', production: '`memory` refused' },
  NATS_DUPLICATE_WINDOW_SECONDS: { description: 'Seconds in which JetStream drops a republished event with the same id (the outbox relay retries within it).' },
  ...authVariableNotes,
  PERSONAL_DATA_KEKS: {
    description:
      'Key-encryption keys that wrap members’ personal-data keys in the database; the first is primary, older ones still unwrap (rotation). The problem is named, never the key.',
    format: '`id:base64key[,id:base64key…]`',
    defaultText: 'development key',
    production: 'development key refused, even as an old key',
  },
  LOG_LEVEL: { description: 'pino level of the JSON logs on stdout; `silent` mutes them.' },
};
