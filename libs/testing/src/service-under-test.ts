import { randomBytes } from 'node:crypto';
import { mintDevToken } from '@mutuo/platform';
import { migrateService, startService, type RunningService, type ServiceDefinition } from '@mutuo/service-kit';
import { deleteStreamsWithPrefix, natsTestPrefix, TEST_NATS_URL } from './nats-test';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ServiceUnderTestOptions {
  /** Names the test database, `mutuo_<databasePrefix>_test_<suffix>`. */
  readonly databasePrefix: string;
  /** The runtime role; defaults to `mutuo_<databasePrefix>_app`. */
  readonly appRole?: string;
  /** Extra variables, added to (or overriding) the test environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to a fresh `natsTestPrefix()`; pass one when the spec needs it before the service starts. */
  readonly natsPrefix?: string;
  /** How often the outbox relay and projections poll; 50 ms unless given. */
  readonly pollIntervalMs?: number;
  /** The PostgreSQL server (a superuser URL) for the test database; the shared one unless given. */
  readonly postgresUrl?: string;
}

export interface GraphQLTestError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

export interface GraphQLTestResult<T> {
  readonly data?: T;
  readonly errors?: GraphQLTestError[];
}

export interface ServiceUnderTest {
  readonly service: RunningService;
  readonly db: TestDatabase;
  readonly natsPrefix: string;
  /** What the gateway sends in `x-mutuo-gateway-secret`. */
  readonly gatewaySecret: string;
  /** The HS256 secret the service verifies development tokens with. */
  readonly jwtSecret: string;
  /** Posts to the subgraph as the gateway would, with `token` as the bearer. */
  graphql<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLTestResult<T>>;
  /** A development token the service accepts; roles default to `['member']`. */
  token(subject: string, podId?: string, roles?: string[], regionId?: string): Promise<string>;
  /** Closes the service, drops the database and deletes the test's streams. */
  stop(): Promise<void>;
}

/**
 * Migrates and starts one service on a fresh database and NATS prefix, with test secrets, for an in-process
 * integration test. If starting fails, whatever was created is removed before the error is rethrown.
 */
export async function startServiceUnderTest(definition: ServiceDefinition, options: ServiceUnderTestOptions): Promise<ServiceUnderTest> {
  const natsPrefix = options.natsPrefix ?? natsTestPrefix();
  const gatewaySecret = `test-gateway-secret-${randomBytes(16).toString('hex')}`;
  const jwtSecret = `test-jwt-secret-${randomBytes(24).toString('hex')}`;
  const db = await createTestDatabase({ prefix: options.databasePrefix, appRole: options.appRole, postgresUrl: options.postgresUrl });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    REGION: 'test-region',
    DATABASE_ADMIN_URL: db.adminUrl,
    DATABASE_URL: db.appUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_PREFIX: natsPrefix,
    GATEWAY_SHARED_SECRET: gatewaySecret,
    JWT_SECRET: jwtSecret,
    ...options.env,
  };
  let service: RunningService;
  try {
    await migrateService(definition, env);
    service = await startService(definition, { env, pollIntervalMs: options.pollIntervalMs ?? 50 });
  } catch (error) {
    await db.drop();
    await deleteStreamsWithPrefix(natsPrefix);
    throw error;
  }

  return {
    service,
    db,
    natsPrefix,
    gatewaySecret: env.GATEWAY_SHARED_SECRET!,
    jwtSecret: env.JWT_SECRET!,
    async graphql<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-mutuo-gateway-secret': env.GATEWAY_SHARED_SECRET! },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLTestResult<T>;
    },
    token: (subject, podId, roles = ['member'], regionId) => mintDevToken({ subject, podId, regionId, roles }, { secret: env.JWT_SECRET! }),
    async stop() {
      await service.close();
      await db.drop();
      await deleteStreamsWithPrefix(natsPrefix);
    },
  };
}
