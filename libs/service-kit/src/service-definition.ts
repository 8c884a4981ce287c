import type { EntitySchema } from '@mikro-orm/postgresql';
import type { INestApplication, Type } from '@nestjs/common';
import {
  EVENT_STORE_MIGRATIONS,
  type EventDataCodec,
  type EventUpcaster,
  type KeyEncryptionKeys,
  type PendingEvent,
  type Projection,
} from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { MigrationEntry, SubgraphContext, SubgraphResolverMap } from '@mutuo/platform';
import type { DomainCounter } from './metrics/domain-counters';

/** Everything that makes one Mutuo service; `startService` turns it into a running subgraph and consumer. */
export interface ServiceDefinition {
  /** Lowercase; names the database, the NATS stream and the durable consumer. */
  readonly name: string;
  readonly defaultPort: number;
  /** Absolute path of the service's Federation 2 SDL (also what the gateway composes). */
  readonly schemaPath: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly entities: EntitySchema<any>[];
  /** Committed migration classes, oldest first. */
  readonly migrations: readonly MigrationEntry[];
  readonly projections: readonly Projection[];
  /**
   * How events written in older shapes become the current shape, applied whenever the store reads them (deciders,
   * projections). Each change to an event's data comes with one; see docs/messaging.md, "Events evolve".
   */
  readonly upcasters?: readonly EventUpcaster[];
  /**
   * Which appended events leave the service as integration events (null keeps one internal). `env` is the one the
   * service started with (process.env when left out), for mappings that seal data with a configured key.
   */
  readonly publish?: (event: PendingEvent, env?: NodeJS.ProcessEnv) => IntegrationEventMapping | null;
  /**
   * Seals event data before it is stored and opens it when read (store, projections, outbox relay), e.g. to
   * encrypt personal data with keys that erasure destroys, stored wrapped with `keks` (PERSONAL_DATA_KEKS). Built
   * once at start from the service's environment.
   */
  readonly eventDataCodec?: (env: NodeJS.ProcessEnv, keks: KeyEncryptionKeys) => EventDataCodec;
  /** The service's Nest module: command handlers, query services and `@EventPattern` controllers. */
  readonly module: Type<unknown>;
  /** Whether the module has `@EventPattern` handlers, so a durable JetStream consumer is needed. */
  readonly consumesEvents: boolean;
  /** GraphQL resolvers, wired to the module's providers. */
  readonly resolvers: (app: INestApplication) => SubgraphResolverMap<SubgraphContext>;
  /**
   * Public HTTP endpoints besides the subgraph (a JWKS document, an OAuth token endpoint), mounted on the express
   * instance before Nest initialises. They are not behind the gateway secret: each must be safe for anyone to call.
   */
  readonly mountPublicHttp?: (app: INestApplication) => void;
  /** Business facts counted on /metrics as their events are appended (requests posted, matches made). */
  readonly domainCounters?: readonly DomainCounter[];
}

/** The service's migrations followed by the event store's later ones (tables added after a service's first migration). */
export function serviceMigrations(definition: Pick<ServiceDefinition, 'migrations'>): MigrationEntry[] {
  return [...definition.migrations, ...EVENT_STORE_MIGRATIONS];
}

/** The outbox relay's advisory-lock name, which also names its checkpoint row: one relay per service at a time. */
export function outboxRelayLockName(service: string): string {
  return `mutuo:outbox-relay:${service}`;
}
