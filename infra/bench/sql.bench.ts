/**
 * How statements reach PostgreSQL: `query()` from libs/event-store (knex raw, bound parameters, optional
 * named prepared statement) against MikroORM 6's `em.execute` (which formats the values into the SQL
 * text). Same process, same pool, same statements, interleaved. Evidence for docs/adr/0005-mikro-orm-role.md.
 *
 *   npm run bench:sql                       prints the medians and ratios
 *   MUTUO_BENCH_ROUNDS=3 npm run bench:sql   fewer rounds, for trying changes
 */
import { randomUUID } from 'node:crypto';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { EVENT_STORE_SCHEMA_SQL, query } from '@mutuo/event-store';
import { dropDatabase, ensureDatabase, withDatabase, withPgClient } from '@mutuo/platform';
import { TEST_POSTGRES_URL, uniqueSuffix } from '@mutuo/testing';
import { median, nowMs } from './statistics';

type Runner = (em: EntityManager, sql: string, params: readonly unknown[], preparedAs?: string) => Promise<unknown[]>;

const RUNNERS: Record<'query' | 'execute', Runner> = {
  query: (em, sql, params, preparedAs) => query(em, sql, params, preparedAs ? { preparedAs } : {}),
  // The em.execute-based version query() would become: values are formatted into the text, no statement name.
  execute: (em, sql, params) => em.execute(sql, [...params]),
};

/** The single-event append of libs/event-store/src/event-append.writer.ts (APPEND_FIRST_SQL). */
const APPEND_SQL = `
  insert into mutuo_events (event_id, stream_id, stream_position, pod_id, type, data, metadata, publish_subject, publish_data)
  values (?::uuid, ?::text, ?::int, ?::uuid, ?::text, ?::jsonb, ?::jsonb, ?::text, ?::jsonb)
  returning global_position, transaction_id, recorded_at`;

/** The stream read of PostgresEventStore.readStream. */
const READ_SQL = `select global_position, transaction_id, event_id, stream_id, stream_position, pod_id, type, data, metadata, recorded_at
  from mutuo_events where stream_id = ? and stream_position > ? order by stream_position`;

const POD_ID = randomUUID();
const READ_STREAM = `bench:${POD_ID}:read`;
const STREAM_LENGTH = 10;

/** A request-like payload of about `bytes` bytes, with quotes and non-ASCII text to escape. */
function payload(bytes: number): string {
  const line = { title: 'Lift to the clinic "Nord" — Zürich', details: 'Needs a wheelchair-accessible car, ok with a dog. ' };
  const lines: (typeof line)[] = [];
  while (JSON.stringify(lines).length < bytes) lines.push(line);
  return JSON.stringify({ podId: POD_ID, lines });
}

function appendParams(data: string): unknown[] {
  const metadata = JSON.stringify({ correlationId: randomUUID(), actor: randomUUID() });
  return [randomUUID(), `bench:${POD_ID}:${randomUUID()}`, 1, POD_ID, 'RequestPosted', data, metadata, 'bench.request-posted.v1', null];
}

interface Scenario {
  readonly name: string;
  readonly run: (runner: Runner, em: EntityManager) => Promise<unknown>;
}

function scenarios(): Scenario[] {
  const large = payload(64 * 1024);
  const small = payload(1024);
  return [
    { name: 'append, 64 KiB JSON', run: (runner, em) => runner(em, APPEND_SQL, appendParams(large), 'bench_append_v1') },
    { name: 'append, 1 KiB JSON', run: (runner, em) => runner(em, APPEND_SQL, appendParams(small), 'bench_append_v1') },
    { name: `read a ${STREAM_LENGTH}-event stream (1 KiB each)`, run: (runner, em) => runner(em, READ_SQL, [READ_STREAM, 0], 'bench_read_v1') },
  ];
}

/**
 * Microseconds per call of each runner: `rounds` rounds of `calls` autocommitted calls, alternating which runner
 * goes first. No long transaction: one would hold back `pg_snapshot_xmin` for every reader in the cluster.
 */
async function measure(orm: MikroORM, scenario: Scenario, rounds: number, calls: number): Promise<Record<'query' | 'execute', number>> {
  const perRound = { query: [] as number[], execute: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['query', 'execute'] as const) : (['execute', 'query'] as const);
    for (const name of order) {
      const em = orm.em.fork();
      const started = nowMs();
      for (let call = 0; call < calls; call++) await scenario.run(RUNNERS[name], em);
      perRound[name].push(((nowMs() - started) * 1000) / calls);
    }
  }
  return { query: median(perRound.query), execute: median(perRound.execute) };
}

function openOrm(databaseUrl: string): Promise<MikroORM> {
  return MikroORM.init({ clientUrl: databaseUrl, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 2, max: 10 } });
}

async function main(): Promise<void> {
  const rounds = Number(process.env.MUTUO_BENCH_ROUNDS ?? 9);
  const databaseName = `mutuo_bench_sql_${uniqueSuffix()}`;
  const databaseUrl = withDatabase(TEST_POSTGRES_URL, databaseName);
  await ensureDatabase(TEST_POSTGRES_URL, databaseName);
  let orm = await openOrm(databaseUrl);
  try {
    await withPgClient(databaseUrl, (client) => client.query(EVENT_STORE_SCHEMA_SQL));
    const streamEvent = payload(1024);
    for (let position = 1; position <= STREAM_LENGTH; position++) {
      const params = appendParams(streamEvent);
      params[1] = READ_STREAM;
      params[2] = position;
      await query(orm.em.fork(), APPEND_SQL, params);
    }
    const rows: string[] = [];
    // Second pass without waiting for the commit's WAL flush, which dwarfs the statement path on a loaded machine.
    for (const mode of ['commit waits for WAL flush', 'synchronous_commit off'] as const) {
      if (mode === 'synchronous_commit off') {
        await orm.close(true);
        await withPgClient(TEST_POSTGRES_URL, (client) => client.query(`alter database ${databaseName} set synchronous_commit = off`));
        orm = await openOrm(databaseUrl);
      }
      for (const scenario of scenarios()) {
        await measure(orm, scenario, 2, 50); // warm-up: connections, plans, JIT
        const result = await measure(orm, scenario, rounds, 200);
        rows.push(`| ${scenario.name} | ${mode} | ${result.query.toFixed(0)} | ${result.execute.toFixed(0)} | ${(result.execute / result.query).toFixed(2)} |`);
      }
    }
    process.stdout.write(
      [
        `Median of ${rounds} rounds × 200 calls, µs per call (Node ${process.version}, one process, one pool):`,
        '',
        '| statement | mode | query() (knex raw, bound) | em.execute (values inlined) | execute / query |',
        '|---|---|---:|---:|---:|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await orm.close(true);
    await dropDatabase(TEST_POSTGRES_URL, databaseName);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
