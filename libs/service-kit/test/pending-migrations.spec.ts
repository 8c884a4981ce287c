import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { EVENT_STORE_SCHEMA_SQL } from '@mutuo/event-store';
import { PendingMigrationsError, createOrmConfig, pendingMigrations } from '@mutuo/platform';
import { createTestDatabase, type TestDatabase } from '@mutuo/testing';
import { migrateService, serviceMigrations, startService, type ServiceDefinition } from '../src';

jest.setTimeout(120_000);

@Module({})
class EmptyModule {}

class EventStoreSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
  }
}

class AddNotes extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table kit_notes (id uuid primary key, text text not null)');
  }
}

const released: ServiceDefinition = {
  name: 'kit',
  defaultPort: 4996,
  schemaPath: join(__dirname, 'fixtures', 'clock.graphql'),
  entities: [],
  migrations: [{ name: 'Migration20261207000000_event_store', class: EventStoreSchema }],
  projections: [],
  module: EmptyModule,
  consumesEvents: false,
  resolvers: () => ({ Query: { databaseTime: () => 'now', slowDatabaseTime: () => 'later' } }),
};
/** The next version of the same service: one migration more, which nobody has run yet. */
const nextVersion: ServiceDefinition = {
  ...released,
  migrations: [...released.migrations, { name: 'Migration20261208000000_notes', class: AddNotes }],
};

describe('a service never starts in production on a database its migration step has not reached', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'kit' });
    env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: '0',
      REGION: 'test-region',
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_URL: db.appUrl,
      DATABASE_APP_PASSWORD: 'the-test-server-trusts-local-connections',
      NATS_URL: 'nats://kit:kit-password@127.0.0.1:4222',
      NATS_PREFIX: 'pendingmigrations',
      PERSONAL_DATA_KEKS: `test-1:${Buffer.alloc(32, 9).toString('base64')}`,
      GATEWAY_SHARED_SECRET: 'g'.repeat(32),
      JWT_SECRET: 'j'.repeat(48),
      JWT_ISSUER: 'https://id.mutuo.example',
      JWT_AUDIENCE: 'mutuo-api',
      JWT_ALGORITHMS: 'HS256',
    };
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function pendingAsRuntimeRole(definition: ServiceDefinition): Promise<string[]> {
    const orm = await MikroORM.init(createOrmConfig({ clientUrl: db.appUrl, entities: [], allowGlobalContext: true, pool: { min: 0, max: 1 } }));
    try {
      return await pendingMigrations(orm, serviceMigrations(definition));
    } finally {
      await orm.close(true);
    }
  }

  it('reads every migration as pending, with the runtime role, before the first migration step', async () => {
    expect(await pendingAsRuntimeRole(released)).toEqual(serviceMigrations(released).map((entry) => entry.name));
  });

  it('refuses the next version until its migration has run, in one line naming it and the step to run', async () => {
    await migrateService(released, env);
    expect(await pendingAsRuntimeRole(released)).toEqual([]);
    expect(await pendingAsRuntimeRole(nextVersion)).toEqual(['Migration20261208000000_notes']);

    const start = startService(nextVersion, { env });
    await expect(start).rejects.toBeInstanceOf(PendingMigrationsError);
    await expect(start).rejects.toThrow(
      /^database mutuo_kit_test_\w+ has 1 pending migration\(s\) \(Migration20261208000000_notes\): run the migration step first/,
    );

    await migrateService(nextVersion, env);
    expect(await pendingAsRuntimeRole(nextVersion)).toEqual([]);
  });
});
