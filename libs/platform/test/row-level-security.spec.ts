import { randomUUID } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { EVENT_STORE_SCHEMA_SQL, inPodTransaction, pgErrorCode, query } from '@mutuo/event-store';
import { resolve } from 'node:path';
import { createOrmConfig, podRowLevelSecuritySql, runMigrations, withPgClient } from '../src';
import { createScratchDatabase, ScratchDatabase, scratchDatabase } from './support/scratch-database';

const APP_ROLE = 'mutuo_platform_test_app';

class CreatePodNotes extends Migration {
  override up(): void {
    this.addSql(EVENT_STORE_SCHEMA_SQL);
    this.addSql('create table pod_notes (id uuid primary key, pod_id uuid not null, body text not null);');
    this.addSql(podRowLevelSecuritySql('pod_notes'));
  }
}
const migrations = [{ name: 'Migration20250101000000_pod_notes', class: CreatePodNotes }];

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected the statement to be refused');
    },
    (error: unknown) => error,
  );
}

describe('pod row-level security with the runtime role', () => {
  const podA = randomUUID();
  const podB = randomUUID();
  let database: ScratchDatabase;
  let orm: MikroORM;
  let em: EntityManager;

  const notesVisibleTo = (podId: string | null) =>
    inPodTransaction(em, podId, (tx) => query<{ pod_id: string; body: string }>(tx, 'select * from pod_notes order by body'));

  beforeAll(async () => {
    database = await createScratchDatabase('rls');
    await runMigrations({ adminUrl: database.adminUrl, appRole: APP_ROLE, migrations });
    orm = await MikroORM.init(createOrmConfig({ clientUrl: database.urlFor(APP_ROLE), entities: [] }));
    em = orm.em.fork();
    await inPodTransaction(em, podA, (tx) =>
      query(tx, 'insert into pod_notes (id, pod_id, body) values (?, ?, ?), (?, ?, ?)', [randomUUID(), podA, 'a1', randomUUID(), podA, 'a2']),
    );
    await inPodTransaction(em, podB, (tx) => query(tx, 'insert into pod_notes (id, pod_id, body) values (?, ?, ?)', [randomUUID(), podB, 'b1']));
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('runs migrations once: a second run applies nothing', async () => {
    await expect(runMigrations({ adminUrl: database.adminUrl, appRole: APP_ROLE, migrations })).resolves.toEqual([]);
  });

  it("shows only the current pod's rows to a query without any pod filter", async () => {
    expect((await notesVisibleTo(podA)).map((row) => row.body)).toEqual(['a1', 'a2']);
    expect((await notesVisibleTo(podB)).map((row) => row.body)).toEqual(['b1']);
  });

  it('shows nothing when no pod is set', async () => {
    await expect(notesVisibleTo(null)).resolves.toEqual([]);
    await expect(query(em, 'select * from pod_notes')).resolves.toEqual([]);
  });

  it("refuses to write another pod's row", async () => {
    const insert = await failure(
      inPodTransaction(em, podA, (tx) => query(tx, 'insert into pod_notes (id, pod_id, body) values (?, ?, ?)', [randomUUID(), podB, 'sneaky'])),
    );
    expect(String((insert as Error).message)).toMatch(/row-level security/);

    const move = await failure(inPodTransaction(em, podA, (tx) => query(tx, 'update pod_notes set pod_id = ?', [podB])));
    expect(String((move as Error).message)).toMatch(/row-level security/);
    expect((await notesVisibleTo(podB)).map((row) => row.body)).toEqual(['b1']);
  });

  it('lets the runtime role append to mutuo_events but never update or delete them', async () => {
    await query(
      em,
      `insert into mutuo_events (event_id, stream_id, stream_position, pod_id, type, data, metadata)
       values (?, ?, 1, ?, 'NoteWritten', '{}'::jsonb, '{}'::jsonb)`,
      [randomUUID(), `note:${podA}:1`, podA],
    );
    await expect(query(em, 'select type from mutuo_events')).resolves.toEqual([{ type: 'NoteWritten' }]);

    // 42501 insufficient_privilege: refused by the grants, before the append-only trigger is reached.
    expect(pgErrorCode(await failure(query(em, "update mutuo_events set type = 'Rewritten'")))).toBe('42501');
    expect(pgErrorCode(await failure(query(em, 'delete from mutuo_events')))).toBe('42501');
  });

  it('gives the runtime role no DDL, no ownership and no way around row-level security', async () => {
    expect(pgErrorCode(await failure(query(em, 'create table intruder (id int)')))).toBe('42501');
    expect(pgErrorCode(await failure(query(em, 'alter table pod_notes disable row level security')))).toBe('42501');
    expect(pgErrorCode(await failure(query(em, 'delete from mikro_orm_migrations')))).toBe('42501');

    const role = await withPgClient(database.adminUrl, async (client) => {
      const { rows } = await client.query(
        `select r.rolsuper, r.rolbypassrls,
                (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
         from pg_roles r where r.rolname = $1`,
        [APP_ROLE],
      );
      return rows[0];
    });
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });
});

describe('runMigrations with a migrations folder', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    // Only named here: runMigrations creates it, as it would on a fresh server.
    database = scratchDatabase('glob');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('finds committed TypeScript migration classes by path and applies each once, even when started twice at once', async () => {
    const run = () => runMigrations({ adminUrl: database.adminUrl, appRole: APP_ROLE, migrationsPath: resolve(__dirname, 'fixtures/migrations') });

    const [first, second] = await Promise.all([run(), run()]);

    expect([...first, ...second]).toEqual(['Migration20250101000000_fixture_notes']);
    await withPgClient(database.urlFor(APP_ROLE), async (client) => {
      await client.query("insert into fixture_notes (body) values ('hello')");
      expect((await client.query('select body from fixture_notes')).rows).toEqual([{ body: 'hello' }]);
    });
  });
});
