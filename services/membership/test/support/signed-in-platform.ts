import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Client } from 'pg';
import { openSignInCodeDelivery, SignInCodeRequestedV1, type SignInCodeRequestedV1Data } from '@mutuo/contracts';
import { eventTypeFilter, parseCloudEvent } from '@mutuo/messaging';
import { es256SigningKeyFromPem, mintDevToken, type Es256SigningKey } from '@mutuo/platform';
import { migrateService, startService, type RunningService } from '@mutuo/service-kit';
import { createTestDatabase, deleteStreamsWithPrefix, natsTestPrefix, TEST_NATS_URL, waitFor, type TestDatabase } from '@mutuo/testing';
import { membershipService } from '../../src/membership.service';

export const GATEWAY_SECRET = 'sign-in-test-gateway-secret-0123456789abc';

export type GraphQLResult<T> = { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };

/** A code as the notifications service would receive it: opened with the shared key. */
export interface DeliveredCode {
  readonly to: string;
  readonly code: string;
  readonly event: SignInCodeRequestedV1Data;
}

/**
 * Membership in-process on its own database and NATS prefix, signing with a test key; other services can be
 * started beside it, verifying tokens against its JWKS. Codes are read the way notifications will read them:
 * from the published events, opened with the shared delivery key.
 */
export class SignedInPlatform {
  readonly prefix = natsTestPrefix();
  readonly signingKey: Es256SigningKey;
  readonly deliveryKey = randomBytes(32);
  membership!: RunningService;
  private readonly databases: TestDatabase[] = [];
  private nats!: NatsConnection;
  private subscription!: Subscription;
  private readonly delivered: DeliveredCode[] = [];
  private membershipDb!: TestDatabase;

  private readonly signingKeyPem: string;

  constructor(private readonly extraEnv: Record<string, string> = {}) {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.signingKey = es256SigningKeyFromPem(pem);
    this.signingKeyPem = pem;
  }

  async start(): Promise<void> {
    this.nats = await connect({ servers: TEST_NATS_URL, name: 'sign-in-test-codes' });
    this.subscription = this.nats.subscribe(eventTypeFilter(this.prefix, SignInCodeRequestedV1.type));
    void this.collectCodes();
    this.membershipDb = await this.database('membership_auth');
    const env = {
      ...this.baseEnv(this.membershipDb),
      MEMBERSHIP_SIGNING_KEY: this.signingKeyPem,
      MEMBERSHIP_CODE_DELIVERY_KEY: this.deliveryKey.toString('base64'),
      MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex'),
      // Membership verifies its own tokens with the public half of the key it signs with.
      JWT_PUBLIC_KEY: this.publicKeyPem(),
      JWT_ALGORITHMS: 'ES256',
      ...this.extraEnv,
    };
    await migrateService(membershipService, env);
    this.membership = await startService(membershipService, { env, pollIntervalMs: 50 });
  }

  async stop(): Promise<void> {
    await this.membership?.close();
    await this.nats?.close();
    for (const db of this.databases) await db.drop();
    await deleteStreamsWithPrefix(this.prefix);
  }

  /** A token as if membership had issued it, for the set-up steps sign-in does not cover (operators, joining). */
  devToken(subject: string, roles: string[], podId?: string, regionId?: string): Promise<string> {
    return mintDevToken({ subject, podId, regionId, roles }, { key: this.signingKey });
  }

  async graphql<T>(
    service: RunningService,
    bearer: string | null,
    query: string,
    variables: Record<string, unknown> = {},
    clientIp = '198.51.100.1',
  ): Promise<GraphQLResult<T> & { status: number }> {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-mutuo-gateway-secret': GATEWAY_SECRET,
        // The gateway forwards the caller's address; rate limits per IP count on it.
        'x-mutuo-client-ip': clientIp,
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as GraphQLResult<T>) };
  }

  async ok<T>(service: RunningService, bearer: string | null, query: string, variables: Record<string, unknown> = {}, clientIp?: string): Promise<T> {
    const result = await this.graphql<T>(service, bearer, query, variables, clientIp);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** The code most recently delivered to the address after `since` (an index from deliveredCount()). */
  async codeFor(address: string, since: number): Promise<DeliveredCode> {
    return waitFor(
      () =>
        this.delivered
          .slice(since)
          .filter((delivery) => delivery.to === address)
          .at(-1),
      {
        description: `a code for ${address}`,
        timeoutMs: 10_000,
        intervalMs: 25,
      },
    );
  }

  deliveredCount(): number {
    return this.delivered.length;
  }

  deliveries(): readonly DeliveredCode[] {
    return this.delivered;
  }

  /** SQL as the database owner, to look at (or age) what the service stored. */
  async sql<Row = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: this.membershipDb.adminUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  private publicKeyPem(): string {
    return createPublicKey(this.signingKey.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  private async database(prefix: string, appRole = 'mutuo_membership_app'): Promise<TestDatabase> {
    const db = await createTestDatabase({ prefix, appRole });
    this.databases.push(db);
    return db;
  }

  private baseEnv(db: TestDatabase): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: '0',
      REGION: 'test-region',
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_URL: db.appUrl,
      NATS_URL: TEST_NATS_URL,
      NATS_PREFIX: this.prefix,
      GATEWAY_SHARED_SECRET: GATEWAY_SECRET,
    };
  }

  private async collectCodes(): Promise<void> {
    for await (const message of this.subscription) {
      const parsed = parseCloudEvent(message.data);
      if (!parsed.ok) throw new Error(`A published code is not a CloudEvent: ${parsed.reason}`);
      const event = SignInCodeRequestedV1.assert(parsed.event.data);
      this.delivered.push({ ...openSignInCodeDelivery(this.deliveryKey, event), event });
    }
  }
}
