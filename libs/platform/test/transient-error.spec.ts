import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { GraphQLError, locatedError } from 'graphql';
import { Client } from 'pg';
import { classifyTransientError, withPgClient } from '../src';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail');
}

/** Port 1 (tcpmux): nothing listens there on a development machine or in CI. */
const CLOSED_PORT_URL = 'postgres://postgres@127.0.0.1:1/postgres';

describe('classifyTransientError, on errors raised by the real drivers', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase('transient');
    await withPgClient(database.adminUrl, (client) => client.query('create table item (id int primary key)'));
  });

  afterAll(() => database.drop());

  it('calls a refused connection unavailable, also when MikroORM wraps it', async () => {
    const client = new Client({ connectionString: CLOSED_PORT_URL });
    const refused = await rejectionOf(client.connect());
    expect(classifyTransientError(refused)).toEqual({ kind: 'unavailable', evidence: 'ECONNREFUSED' });
    // graphql-js wraps a thrown value it does not take for an Error (one from another realm) as NonErrorThrown.
    expect(classifyTransientError(locatedError({ ...(refused as object) }, undefined, ['me']))).toEqual({
      kind: 'unavailable',
      evidence: 'ECONNREFUSED',
    });

    const orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: CLOSED_PORT_URL,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      connect: false,
    });
    try {
      const error = await rejectionOf(orm.em.fork().transactional((em) => em.getConnection().execute('select 1')));
      expect(classifyTransientError(error)).toMatchObject({ kind: 'unavailable' });
    } finally {
      await orm.close(true);
    }
  });

  it('calls an exhausted pool (acquire timeout) unavailable', async () => {
    const orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: database.adminUrl,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      pool: { min: 0, max: 1, acquireTimeoutMillis: 300 },
    });
    try {
      let release: () => void = () => undefined;
      const holding = orm.em.fork().transactional(async (em) => {
        await em.execute('select 1');
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const error = await rejectionOf(orm.em.getConnection().execute('select 1'));
      release();
      await holding;
      expect(classifyTransientError(error)).toMatchObject({ kind: 'unavailable' });
    } finally {
      await orm.close(true);
    }
  });

  it('calls a connection terminated by the server interrupted', async () => {
    const client = new Client({ connectionString: database.adminUrl });
    await client.connect();
    client.on('error', () => undefined);
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const sleeping = rejectionOf(client.query('select pg_sleep(5)'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await withPgClient(database.adminUrl, (admin) => admin.query('select pg_terminate_backend($1)', [pid]));
    expect(classifyTransientError(await sleeping)).toEqual({ kind: 'interrupted', evidence: 'SQLSTATE 57P01' });
    await client.end().catch(() => undefined);
  });

  it('calls a deadlock contention, and finds it inside a GraphQL error and an error cause', async () => {
    const first = new Client({ connectionString: database.adminUrl });
    const second = new Client({ connectionString: database.adminUrl });
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('insert into item values (1), (2) on conflict do nothing');
      await first.query('begin');
      await second.query('begin');
      await first.query('select * from item where id = 1 for update');
      await second.query('select * from item where id = 2 for update');
      const outcomes = await Promise.allSettled([
        first.query('select * from item where id = 2 for update'),
        second.query('select * from item where id = 1 for update'),
      ]);
      const deadlock = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(classifyTransientError(deadlock.reason)).toEqual({ kind: 'contention', evidence: 'SQLSTATE 40P01' });
      const wrapped = new GraphQLError('resolver failed', { originalError: new Error('crediting failed', { cause: deadlock.reason }) });
      expect(classifyTransientError(wrapped)).toEqual({ kind: 'contention', evidence: 'SQLSTATE 40P01' });
    } finally {
      await Promise.allSettled([first.query('rollback'), second.query('rollback')]);
      await Promise.all([first.end(), second.end()]);
    }
  });

  it("leaves the operation's own failures alone: constraint violations, bad SQL, bugs", async () => {
    const duplicate = await rejectionOf(withPgClient(database.adminUrl, (client) => client.query('insert into item values (7), (7)')));
    expect(duplicate).toMatchObject({ code: '23505' });
    expect(classifyTransientError(duplicate)).toBeNull();
    const syntax = await rejectionOf(withPgClient(database.adminUrl, (client) => client.query('selec 1')));
    expect(classifyTransientError(syntax)).toBeNull();
    expect(classifyTransientError(new TypeError('cannot read properties of undefined'))).toBeNull();
    expect(classifyTransientError('ECONNREFUSED')).toBeNull();
  });
});
