/**
 * Funds: what posting a ledger transfer costs, single and batched, against bare INSERTs into the same database in the
 * same run, and how 32 concurrent writers fare on one pod's treasury (a hot account) against 32 pods' treasuries
 * (spread accounts). See the "Funds" section of docs/benchmarks.md.
 *
 *   npm run bench:funds   about a minute; rewrites the Funds results in docs/benchmarks.md
 *
 * Services are separate projects, so this script cannot import funds: the service runs as a child process (after its
 * migrations) on a fresh database and NATS prefix, removed at the end, also after a failure or Ctrl-C.
 * - Single: `recordContribution` without a fee through the funds subgraph (gateway secret and token, as the gateway
 *   calls it) = one contribution event, one transfer event, one transfer row moving two balances, in one transaction.
 *   Baselines, interleaved A B B A: a bare one-row INSERT (autocommit) into a plain table of the same database, and
 *   `{ __typename }` through the same subgraph HTTP path (the transport floor every mutation pays).
 * - Batched: `requests.request-fulfilled.v1` events over JetStream, each crediting 25 helpers (25 transfers in one
 *   transaction); transfers per second from the first publish until the last transfer row exists. Baseline: the same
 *   number of rows as 25-row multi-row INSERTs.
 * - Hot vs spread: 32 writers, each posting contributions one after another: all into one pod's treasury (every
 *   transfer locks the same two account rows) against one pod each. Latency per call, p50 and p99.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RequestFulfilledV1, RoleGrantedV1, memberIdFor, type AnyIntegrationEventContract } from '@mutuo/contracts';
import { mintDevToken, withPgClient } from '@mutuo/platform';
import { TEST_NATS_URL, waitFor } from '@mutuo/testing';
import { benchBaseEnv, postGraphQL, publishAsProducer, publishBenchResults, runBenchmark, startBenchService } from './bench-child-process';
import type { CleanupStack } from './bench-environment';
import { forEachConcurrently, nowMs, summarize, type LatencySummary } from './statistics';

const REGION = 'bench';

const SINGLE_SAMPLES_PER_SEGMENT = 100;
const WARMUP = 30;
const BATCH_EVENTS = 80;
const TRANSFERS_PER_BATCH = 25;
const WRITERS = 32;
const CALLS_PER_WRITER = 20;

const CONTRIBUTE = 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }';

interface Funds {
  readonly adminUrl: string;
  readonly url: string;
  readonly nc: NatsConnection;
  readonly prefix: string;
  readonly jwtSecret: string;
  readonly gatewaySecret: string;
}

async function main(cleanup: CleanupStack): Promise<void> {
  const startedAt = new Date();
  const funds = await startFunds(cleanup);
  const pods = Array.from({ length: WRITERS + 1 }, () => randomUUID());
  await grantTreasurer(funds, pods);
  progress('1/3 single transfers against a bare INSERT and the subgraph round trip');
  const single = await measureSingle(funds, pods[0]!);
  progress('2/3 batched transfers (fulfilments of 25 helpers) against multi-row INSERTs');
  const batched = await measureBatched(funds);
  progress('3/3 32 writers on one treasury against 32 treasuries');
  // A B B A, so drift in the machine's load hits both sides alike.
  const hotPod = () => pods[0]!;
  const spreadPods = (writer: number) => pods[writer + 1]!;
  const hotRuns = [await measureWriters(funds, hotPod)];
  const spreadRuns = [await measureWriters(funds, spreadPods), await measureWriters(funds, spreadPods)];
  hotRuns.push(await measureWriters(funds, hotPod));
  const hot = combine(hotRuns);
  const spread = combine(spreadRuns);
  await checkLedger(funds);
  const section = render({ startedAt, single, batched, hot, spread });
  publishBenchResults('funds', 'Funds', METHOD, section);
}

function progress(message: string): void {
  process.stderr.write(`[bench:funds] ${message}\n`);
}

async function startFunds(cleanup: CleanupStack): Promise<Funds> {
  const jwtSecret = randomBytes(24).toString('hex');
  const gatewaySecret = randomBytes(24).toString('hex');
  const funds = await startBenchService(cleanup, {
    service: 'funds',
    env: { ...benchBaseEnv(), JWT_SECRET: jwtSecret, GATEWAY_SHARED_SECRET: gatewaySecret, REGION },
    afterMigrations: (adminUrl) =>
      withPgClient(adminUrl, (client) =>
        client.query(
          'create table bench_bare_transfers (id uuid primary key, pod_id uuid not null, amount_minor bigint not null, debit uuid not null, credit uuid not null, posted_at timestamptz not null)',
        ),
      ),
  });
  const nc = await connect({ servers: TEST_NATS_URL, name: 'bench-funds' });
  cleanup.defer('close NATS', () => nc.close());
  return { adminUrl: funds.adminUrl, url: funds.graphqlUrl, nc, prefix: funds.natsPrefix, jwtSecret, gatewaySecret };
}

async function publish(funds: Funds, contract: AnyIntegrationEventContract, podId: string, data: unknown): Promise<void> {
  const eventId = randomUUID();
  await publishAsProducer(funds.nc, { prefix: funds.prefix, region: REGION }, { contract, eventId, streamId: `bench:${podId}:${eventId}`, podId, data });
}

async function adminCount(funds: Funds, sql: string): Promise<number> {
  return withPgClient(funds.adminUrl, async (client) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n));
}

/** The same person is treasurer of every bench pod, as membership's role events would tell funds. */
async function grantTreasurer(funds: Funds, pods: readonly string[]): Promise<void> {
  for (const podId of pods) {
    await publish(funds, RoleGrantedV1, podId, {
      podId,
      termId: randomUUID(),
      memberId: memberIdFor(podId, 'person-bench'),
      role: 'treasurer',
      termStart: '2026-01-01T00:00:00.000Z',
      termEnd: '2027-01-01T00:00:00.000Z',
      consecutiveTerms: 1,
      via: 'grant',
    });
  }
  await waitFor(async () => (await adminCount(funds, 'select count(*) as n from funds_role_holders')) === pods.length, {
    description: 'funds to know the bench treasurers',
    timeoutMs: 60_000,
    intervalMs: 250,
  });
}

function graphqlCaller(funds: Funds, token: string) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<void> => {
    const { body } = await postGraphQL(funds.url, { authorization: `Bearer ${token}`, 'x-mutuo-gateway-secret': funds.gatewaySecret }, query, variables);
    if (body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  };
}

const contribution = () => ({ input: { currency: 'EUR', amountMinor: 1_000, method: 'card', sourceKind: 'individual', anonymous: true } });

interface SingleResult {
  readonly transfer: LatencySummary;
  readonly bareInsert: LatencySummary;
  readonly roundTrip: LatencySummary;
}

async function timed(samples: number[], work: () => Promise<unknown>): Promise<void> {
  const started = nowMs();
  await work();
  samples.push(nowMs() - started);
}

async function measureSingle(funds: Funds, podId: string): Promise<SingleResult> {
  const call = graphqlCaller(funds, await mintDevToken({ subject: 'person-bench', podId, roles: ['member'] }, { secret: funds.jwtSecret }));
  return withPgClient(funds.adminUrl, async (client) => {
    const insert = () =>
      client.query({
        name: 'bench_bare_insert',
        text: 'insert into bench_bare_transfers (id, pod_id, amount_minor, debit, credit, posted_at) values ($1, $2, $3, $4, $5, now())',
        values: [randomUUID(), podId, 1_000, randomUUID(), randomUUID()],
      });
    for (let i = 0; i < WARMUP; i++) {
      await call(CONTRIBUTE, contribution());
      await insert();
      await call('{ __typename }');
    }
    const transfer: number[] = [];
    const bareInsert: number[] = [];
    const roundTrip: number[] = [];
    // A B B A: drift in machine load hits both sides alike.
    for (const order of [0, 1, 1, 0]) {
      for (let i = 0; i < SINGLE_SAMPLES_PER_SEGMENT; i++) {
        const steps = [
          () => timed(transfer, () => call(CONTRIBUTE, contribution())),
          () => timed(bareInsert, insert),
          () => timed(roundTrip, () => call('{ __typename }')),
        ];
        for (const step of order === 0 ? steps : [...steps].reverse()) await step();
      }
    }
    return { transfer: summarize(transfer), bareInsert: summarize(bareInsert), roundTrip: summarize(roundTrip) };
  });
}

interface BatchedResult {
  readonly transfersPerSecond: number;
  readonly bareRowsPerSecond: number;
  readonly transfers: number;
}

async function measureBatched(funds: Funds): Promise<BatchedResult> {
  const podId = randomUUID();
  const helpers = Array.from({ length: TRANSFERS_PER_BATCH }, (_, index) => memberIdFor(podId, `person-helper-${index}`));
  const fulfilment = (requesterIndex: number) => ({
    requestId: randomUUID(),
    podId,
    fulfilmentId: randomUUID(),
    requesterMemberId: memberIdFor(podId, `person-requester-${requesterIndex}`),
    helperMemberIds: helpers,
    contributions: helpers.map((helperMemberId) => ({ helperMemberId, minutes: 1 })),
    hoursGivenMinutes: helpers.length,
    confirmedBy: 'requester',
    confirmedByMemberId: memberIdFor(podId, `person-requester-${requesterIndex}`),
    category: 'errands',
    postedAt: '2026-11-20T09:00:00.000Z',
    firstMatchedAt: null,
    fulfilledAt: new Date().toISOString(),
  });
  const transfersOfPod = `select count(*) as n from transfers where pod_id = '${podId}'`;
  // Warm-up: opens the helpers' time accounts, so the measured batches only post transfers (and open requesters').
  await publish(funds, RequestFulfilledV1, podId, fulfilment(-1));
  await waitFor(async () => (await adminCount(funds, transfersOfPod)) === TRANSFERS_PER_BATCH, { description: 'the warm-up fulfilment', timeoutMs: 60_000 });

  const started = nowMs();
  for (let i = 0; i < BATCH_EVENTS; i++) await publish(funds, RequestFulfilledV1, podId, fulfilment(i));
  const expected = TRANSFERS_PER_BATCH * (BATCH_EVENTS + 1);
  await waitFor(async () => (await adminCount(funds, transfersOfPod)) === expected, {
    description: 'every fulfilment to be credited',
    timeoutMs: 180_000,
    intervalMs: 20,
  });
  const elapsed = nowMs() - started;

  const bareElapsed = await withPgClient(funds.adminUrl, async (client) => {
    const begin = nowMs();
    for (let i = 0; i < BATCH_EVENTS; i++) {
      const values: unknown[] = [];
      const rows = Array.from({ length: TRANSFERS_PER_BATCH }, (_, row) => {
        values.push(randomUUID(), podId, 1, randomUUID(), randomUUID());
        const at = row * 5;
        return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, now())`;
      });
      await client.query(`insert into bench_bare_transfers (id, pod_id, amount_minor, debit, credit, posted_at) values ${rows.join(', ')}`, values);
    }
    return nowMs() - begin;
  });
  const transfers = TRANSFERS_PER_BATCH * BATCH_EVENTS;
  return { transfersPerSecond: (transfers / elapsed) * 1000, bareRowsPerSecond: (transfers / bareElapsed) * 1000, transfers };
}

interface WritersResult {
  readonly latency: LatencySummary;
  readonly transfersPerSecond: number;
  readonly samples: readonly number[];
  readonly elapsedMs: number;
}

function combine(runs: readonly WritersResult[]): WritersResult {
  const samples = runs.flatMap((run) => run.samples);
  const elapsedMs = runs.reduce((sum, run) => sum + run.elapsedMs, 0);
  return { latency: summarize(samples), transfersPerSecond: (samples.length / elapsedMs) * 1000, samples, elapsedMs };
}

async function measureWriters(funds: Funds, podOf: (writer: number) => string): Promise<WritersResult> {
  const callers = await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) =>
      graphqlCaller(funds, await mintDevToken({ subject: 'person-bench', podId: podOf(writer), roles: ['member'] }, { secret: funds.jwtSecret })),
    ),
  );
  // Warm-up: opens every treasury involved and warms the connections.
  await Promise.all(callers.map((call) => call(CONTRIBUTE, contribution())));
  const samples: number[] = [];
  const started = nowMs();
  await forEachConcurrently(WRITERS, WRITERS, async (writer) => {
    for (let i = 0; i < CALLS_PER_WRITER; i++) await timed(samples, () => callers[writer]!(CONTRIBUTE, contribution()));
  });
  const elapsedMs = nowMs() - started;
  return { latency: summarize(samples), transfersPerSecond: (samples.length / elapsedMs) * 1000, samples, elapsedMs };
}

/** After all that, the ledger still adds up: Σ debits = Σ credits per unit, nothing under its floor. */
async function checkLedger(funds: Funds): Promise<void> {
  const unbalanced = await adminCount(
    funds,
    'select count(*) as n from (select unit from accounts group by unit having sum(debits_minor) <> sum(credits_minor)) x',
  );
  const underFloor = await adminCount(funds, 'select count(*) as n from accounts where floor_minor is not null and balance_minor < floor_minor');
  if (unbalanced !== 0 || underFloor !== 0)
    throw new Error(`The ledger does not add up after the benchmark (${unbalanced} units unbalanced, ${underFloor} accounts under their floor)`);
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

function render(results: { startedAt: Date; single: SingleResult; batched: BatchedResult; hot: WritersResult; spread: WritersResult }): string {
  const { single, batched, hot, spread } = results;
  const at = results.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const singleRate = 1000 / single.transfer.p50;
  return [
    `### Results of ${at}`,
    '',
    '| Measure | Funds | Baseline | Ratio (funds ÷ baseline) |',
    '|---|---:|---:|---:|',
    `| Single transfer, one in flight, p50 (${single.transfer.count} calls) | ${ms(single.transfer.p50)} (≈ ${perSecond(singleRate)}) | ${ms(single.bareInsert.p50)} bare INSERT | ${ratio(single.transfer.p50 / single.bareInsert.p50)} latency |`,
    `| Single transfer p99 | ${ms(single.transfer.p99)} | ${ms(single.bareInsert.p99)} bare INSERT | ${ratio(single.transfer.p99 / single.bareInsert.p99)} |`,
    `| Single transfer p50 against the subgraph round trip | ${ms(single.transfer.p50)} | ${ms(single.roundTrip.p50)} \`{ __typename }\` | ${ratio(single.transfer.p50 / single.roundTrip.p50)} |`,
    `| Batched: fulfilments of ${TRANSFERS_PER_BATCH} transfers, ${batched.transfers.toLocaleString('en-US')} transfers | ${perSecond(batched.transfersPerSecond)} | ${perSecond(batched.bareRowsPerSecond)} ${TRANSFERS_PER_BATCH}-row INSERTs | ${ratio(batched.transfersPerSecond / batched.bareRowsPerSecond)} throughput |`,
    `| ${WRITERS} writers, one treasury (hot), p50 | ${ms(hot.latency.p50)} | ${ms(spread.latency.p50)} spread over ${WRITERS} treasuries | ${ratio(hot.latency.p50 / spread.latency.p50)} |`,
    `| ${WRITERS} writers, hot, p99 | ${ms(hot.latency.p99)} | ${ms(spread.latency.p99)} spread | ${ratio(hot.latency.p99 / spread.latency.p99)} |`,
    `| ${WRITERS} writers, throughput (${hot.latency.count} calls each side) | ${perSecond(hot.transfersPerSecond)} hot | ${perSecond(spread.transfersPerSecond)} spread | ${ratio(hot.transfersPerSecond / spread.transfersPerSecond)} |`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}, Node ${process.version}, shared with other work while it ran: compare the ratios, not the absolute figures. After the run the ledger was checked: Σ debits = Σ credits per unit, no balance under its floor.`,
  ].join('\n');
}

const METHOD = `## Funds

\`npm run bench:funds\` (infra/bench/funds.bench.ts) starts the funds service as a child process on a fresh database and
NATS prefix (both removed at the end) and drives it as the gateway would (subgraph HTTP with the gateway secret and a
token) or as requests would (\`requests.request-fulfilled.v1\` over JetStream). It takes about a minute.

- **Single transfer.** \`recordContribution\` without a fee: one contribution event, one \`TransferPosted\` event and one
  transfer row whose trigger moves both balances under the database's CHECKs, in one transaction, after locking the
  two accounts (\`for update\`, id order). Baselines in the same run, interleaved A B B A: a bare one-row INSERT
  (autocommit, prepared) into a plain table of the same database, and \`{ __typename }\` through the same subgraph
  path, which is the HTTP, authentication and GraphQL floor every mutation pays.
- **Batched.** Fulfilments crediting 25 helpers each: 25 transfers (and the requester's first time account) in one
  inbox transaction; transfers per second from the first publish until the last row exists (4 events handled at once,
  the consumer's default). Baseline: the same number of rows as 25-row INSERTs, one after another.
- **Hot account.** 32 writers, each posting 20 contributions one after another, all into one pod's treasury: every
  transfer locks the same treasury and donations rows, so the writers queue on the row lock (no optimistic retries to
  waste work, no refusals: a conflict can only come from a lock timeout). Against the same load spread over 32 pods'
  treasuries, where writers only share the machine. Two runs each, A B B A; latencies of both runs together.
`;

runBenchmark('bench:funds', main);
