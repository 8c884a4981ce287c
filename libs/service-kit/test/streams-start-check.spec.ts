import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { Module } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { RequestPostedV1 } from '@mutuo/contracts';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { EventController, NatsProvisioningError } from '@mutuo/messaging';
import { TEST_NATS_URL, deleteStreamsWithPrefix, natsTestPrefix, startServiceUnderTest } from '@mutuo/testing';
import { runOperatorCommand, type OperatorIo, type ServiceDefinition } from '../src';

jest.setTimeout(180_000);

const DAY_MS = 24 * 60 * 60 * 1000;

@EventController()
class NoteRequests {
  @EventPattern(RequestPostedV1.type)
  async onRequestPosted(): Promise<void> {}
}

@Module({ controllers: [NoteRequests] })
class KitModule {}

class EventStoreSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
  }
}

/** A service that publishes (its own stream) and consumes requests' events (a producer stream and a durable). */
const kitService: ServiceDefinition = {
  name: 'kit',
  defaultPort: 4997,
  schemaPath: join(__dirname, 'fixtures', 'clock.graphql'),
  entities: [],
  migrations: [{ name: 'Migration20261207000000_event_store', class: EventStoreSchema }],
  projections: [],
  module: KitModule,
  consumesEvents: true,
  resolvers: () => ({ Query: { databaseTime: () => 'now', slowDatabaseTime: () => 'later' } }),
};

function bufferIo(): OperatorIo & { readonly lines: string[]; readonly errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), ask: async () => false };
}

describe('a service start in production checks its streams and consumers, and mutuo streams apply provisions them', () => {
  const prefix = natsTestPrefix();
  const token = prefix.toUpperCase();
  const natsUrl = TEST_NATS_URL.replace('nats://', 'nats://kit:kit-password@');
  const production = {
    NODE_ENV: 'production',
    NATS_URL: natsUrl,
    DATABASE_APP_PASSWORD: 'the-test-server-trusts-local-connections',
    PERSONAL_DATA_KEKS: `test-1:${Buffer.alloc(32, 9).toString('base64')}`,
    JWT_ISSUER: 'https://id.mutuo.example',
    JWT_AUDIENCE: 'mutuo-api',
    JWT_ALGORITHMS: 'HS256',
  };
  const operatorEnv = {
    ...production,
    NATS_PREFIX: prefix,
    DATABASE_URL: 'postgres://mutuo_kit_app:unused@127.0.0.1:5432/mutuo_kit',
    GATEWAY_SHARED_SECRET: 'g'.repeat(32),
    JWT_SECRET: 'j'.repeat(48),
  };

  afterAll(async () => {
    await deleteStreamsWithPrefix(prefix);
  });

  it('refuses to start while nothing is provisioned, in one line naming the missing stream and the command', async () => {
    const start = startServiceUnderTest(kitService, { databasePrefix: 'kit', natsPrefix: prefix, env: production });
    await expect(start).rejects.toBeInstanceOf(NatsProvisioningError);
    await expect(start).rejects.toThrow(
      new RegExp(`^NATS is not provisioned for kit: stream ${token}_KIT_EVENTS is missing; .*Run: npm run mutuo -- kit streams apply$`),
    );
  });

  it('asks for confirmation before apply, then creates the streams and the consumer', async () => {
    const refused = bufferIo();
    expect(await runOperatorCommand(kitService, ['streams', 'apply'], { env: operatorEnv, io: refused, interactive: false })).toBe(2);
    expect(refused.errors).toEqual(['kit streams apply changes data: run it again with --yes to confirm']);

    const io = bufferIo();
    expect(await runOperatorCommand(kitService, ['streams', 'apply', '--yes'], { env: operatorEnv, io, interactive: false })).toBe(0);
    expect(io.lines.map((line) => line.replace(/\s+/g, ' '))).toEqual([
      `stream ${token}_KIT_EVENTS created`,
      `stream ${token}_DEAD_LETTERS created`,
      `stream ${token}_REQUESTS_EVENTS created`,
      `consumer ${token}_REQUESTS_EVENTS/kit created`,
    ]);
  });

  it("starts once provisioned and leaves an operator's stream settings alone; status shows the drift", async () => {
    const nc = await connect({ servers: TEST_NATS_URL });
    const jsm = await jetstreamManager(nc);
    try {
      const own = await jsm.streams.info(`${token}_KIT_EVENTS`);
      await jsm.streams.update(own.config.name, { ...own.config, max_age: nanos(365 * DAY_MS) });

      const kit = await startServiceUnderTest(kitService, { databasePrefix: 'kit', natsPrefix: prefix, env: production });
      try {
        expect((await jsm.streams.info(`${token}_KIT_EVENTS`)).config.max_age).toBe(nanos(365 * DAY_MS));
        const io = bufferIo();
        expect(await runOperatorCommand(kitService, ['streams', 'status'], { env: operatorEnv, io, interactive: false })).toBe(1);
        expect(io.lines.find((line) => line.includes(`${token}_KIT_EVENTS`))).toMatch(/DRIFT max age 365 d \(wanted 30 d\)/);
        expect(io.lines.find((line) => line.includes(`${token}_REQUESTS_EVENTS/kit`))).toMatch(/ ok; pending 0, ack pending 0, redelivered 0/);
      } finally {
        // Its stop deletes the prefix's streams, which this spec is done with.
        await kit.stop();
      }
    } finally {
      await nc.close();
    }
  });
});
