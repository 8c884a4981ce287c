/**
 * The gateway hop and federated pages: on one seeded pod of the whole platform (five services and the gateway), 20
 * connections each send the next query as soon as the last answered, side by side in one run: the requests subgraph
 * serving `openRequests(first: 20)` with its own fields directly, the same query through the gateway, and the README's
 * shape (requester from membership, matching status from matching) through the gateway; then how many transactions
 * each service's database commits per page of the README shape. See the "Gateway" section of docs/benchmarks.md.
 *
 *   npm run bench:gateway                       five to ten minutes; rewrites the Gateway results in docs/benchmarks.md
 *   MUTUO_GATEWAY_SECONDS=4 npm run bench:gateway  shorter windows, for trying a change; docs untouched
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mintDevToken, withPgClient } from '@mutuo/platform';
import { TEST_POSTGRES_URL, waitFor } from '@mutuo/testing';
import { postGraphQL, publishBenchResults, runBenchmark, type GraphQLBody } from './bench-child-process';
import type { CleanupStack } from './bench-environment';
import { PLATFORM_SERVICES, startBenchPlatform, type BenchPlatform } from './bench-platform';
import { median, nowMs, percentile } from './statistics';

const CONNECTIONS = 20;
const FULL_WINDOW_SECONDS = 10;
/** Each side is measured this many times, the three sides in turn, so a burst of load elsewhere hits all alike. */
const ROUNDS = 3;
const MEMBERS = 25;
const PAGE = 20;
/** Pages of the README shape sent while the databases' transaction counters are read. */
const COUNTED_PAGES = 200;
/** PostgreSQL 15 flushes a backend's statistics at most once a second, and within 10 s of it going idle. */
const STATS_FLUSH_MS = 11_500;
/** Targets from issue 19. */
const TARGETS = { hop: 0.8, readmeShape: 0.5 } as const;

const OWN_FIELDS = `{ openRequests(first: ${PAGE}) { edges { node { id title urgency } } } }`;
const README_SHAPE = `{ openRequests(first: ${PAGE}) { edges { node { id title urgency requester { displayName } matching { state candidateCount } } } } }`;

type Side = 'direct' | 'gatewayOwn' | 'gatewayReadme';
const SIDES: readonly Side[] = ['direct', 'gatewayOwn', 'gatewayReadme'];
const SIDE_NAMES: Record<Side, string> = {
  direct: 'requests subgraph directly, own fields',
  gatewayOwn: 'gateway, same own fields',
  gatewayReadme: "gateway, README shape (+ membership's requester, matching's state)",
};

interface Window {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}
interface Transactions {
  readonly perPage: number;
  readonly idlePerSecond: number;
}
interface Results {
  readonly startedAt: Date;
  readonly seconds: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly windows: Record<Side, Window[]>;
  readonly transactionsPerPage: Record<string, Transactions>;
}

function windowSeconds(): number {
  const value = process.env.MUTUO_GATEWAY_SECONDS;
  if (value === undefined || value === '') return FULL_WINDOW_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 2 || seconds > 120) throw new Error(`MUTUO_GATEWAY_SECONDS must be an integer from 2 to 120 (got "${value}")`);
  return seconds;
}

function progress(message: string): void {
  process.stderr.write(`[bench:gateway] ${message}\n`);
}

function loadAverage(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

async function main(cleanup: CleanupStack): Promise<void> {
  const seconds = windowSeconds();
  progress('starting the platform (five services and the gateway)');
  // A slow page is measured, not cut off: the default 10 s deadline to a subgraph would turn it into an error.
  const platform = await startBenchPlatform(cleanup, { gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '120000' } });
  progress(`seeding one pod: ${MEMBERS} members, one request each`);
  const viewer = await seedPod(platform);
  const send: Record<Side, () => Promise<{ status: number; body: GraphQLBody }>> = {
    direct: () =>
      postGraphQL(platform.subgraphUrls.requests, { authorization: `Bearer ${viewer}`, 'x-mutuo-gateway-secret': platform.gatewaySecret }, OWN_FIELDS),
    gatewayOwn: () => postGraphQL(platform.gatewayUrl, { authorization: `Bearer ${viewer}` }, OWN_FIELDS),
    gatewayReadme: () => postGraphQL(platform.gatewayUrl, { authorization: `Bearer ${viewer}` }, README_SHAPE),
  };
  try {
    await measureAndPublish(seconds, send, platform);
  } catch (error) {
    // Errors are masked for callers: what went wrong is in the processes' logs.
    for (const child of platform.processes) process.stderr.write(`--- ${child.name}\n${child.output.slice(-10).join('')}\n`);
    throw error;
  }
}

async function measureAndPublish(
  seconds: number,
  send: Record<Side, () => Promise<{ status: number; body: GraphQLBody }>>,
  platform: BenchPlatform,
): Promise<void> {
  for (const side of SIDES) await closedLoop(2, send[side]);

  const startedAt = new Date();
  const loadBefore = loadAverage();
  const windows: Record<Side, Window[]> = { direct: [], gatewayOwn: [], gatewayReadme: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of SIDES) {
      const window = await closedLoop(seconds, send[side]);
      windows[side].push(window);
      progress(`round ${round}, ${side}: ${window.perSecond.toFixed(1)} req/s, p50 ${window.p50.toFixed(1)} ms`);
    }
  }
  const loadAfter = loadAverage();
  progress(`counting transactions per page over ${COUNTED_PAGES} pages, ${CONNECTIONS} at a time`);
  const transactionsPerPage = await countTransactionsPerPage(platform, send.gatewayReadme);
  const section = render({ startedAt, seconds, loadBefore, loadAfter, windows, transactionsPerPage });
  if (seconds === FULL_WINDOW_SECONDS) publishBenchResults('gateway', 'Gateway', METHOD, section);
  else process.stdout.write(`\n${section}\n`);
}

/** A region, a pod, MEMBERS members who post one request each; the page is ready once every row has its requester and matching status. */
async function seedPod(platform: BenchPlatform): Promise<string> {
  const viaGateway = async <T>(token: string, query: string, variables: object = {}): Promise<T> => {
    const { status, body } = await postGraphQL(platform.gatewayUrl, { authorization: `Bearer ${token}` }, query, variables);
    if (status !== 200 || body.errors) throw new Error(`seeding failed (${status}): ${JSON.stringify(body.errors)}`);
    return body.data as T;
  };
  const operator = await mintDevToken({ subject: 'operator-bench', roles: ['operator'] }, platform.signing);
  const { createRegion } = await viaGateway<{ createRegion: { id: string } }>(
    operator,
    'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
    { input: { name: 'Bench', slug: `bench-${Date.now()}` } },
  );
  const { createPod } = await viaGateway<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
    input: { regionId: createRegion.id, name: 'Bench pod', languages: ['en'], timezone: 'Europe/Lisbon' },
  });
  const podId = createPod.id;
  const tokens = await Promise.all(
    Array.from({ length: MEMBERS }, (_, index) => mintDevToken({ subject: `person-bench-${index}`, podId, roles: ['member'] }, platform.signing)),
  );
  for (const [index, token] of tokens.entries()) {
    await viaGateway(token, 'mutation($name: String!) { joinPod(input: { displayName: $name, preferredLanguage: "en" }) { id } }', { name: `Member ${index}` });
  }
  for (const [index, token] of tokens.entries()) {
    await viaGateway(token, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: `Bench need ${index}`, description: 'Groceries for the week', language: 'en', category: 'GROCERIES', location: { cell: 'eycs21' } },
    });
  }
  type Page = { openRequests: { edges: { node: { requester: { displayName: string } | null; matching: { state: string } } }[] } };
  await waitFor(
    async () => {
      const page = await viaGateway<Page>(tokens[0]!, README_SHAPE);
      const rows = page.openRequests.edges.map((edge) => edge.node);
      return rows.length === PAGE && rows.every((row) => row.requester?.displayName && row.matching.state !== 'PENDING');
    },
    { description: 'every request of the page with its requester and matching status', timeoutMs: 180_000, intervalMs: 1_000 },
  );
  return tokens[0]!;
}

/** CONNECTIONS callers, each sending its next query as soon as the last one answered, for `seconds`. */
async function closedLoop(seconds: number, request: () => Promise<{ status: number; body: GraphQLBody }>): Promise<Window> {
  const latencies: number[] = [];
  const start = nowMs();
  const end = start + seconds * 1000;
  const caller = async () => {
    while (nowMs() < end) {
      const sent = nowMs();
      const { status, body } = await request();
      // A failed query is counted, not timed: throughput counts answers only.
      if (status !== 200 || body.errors) {
        errors++;
        lastError = `${status} ${JSON.stringify(body.errors)}`;
      } else latencies.push(nowMs() - sent);
    }
  };
  let errors = 0;
  let lastError = '';
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  const elapsed = (nowMs() - start) / 1000;
  if (latencies.length === 0) throw new Error(`every query failed, the last with ${lastError}`);
  if (errors > 0) progress(`${errors} queries failed, the last with ${lastError}`);
  const sorted = latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors };
}

/**
 * Transactions committed (or rolled back) in each service's database per page, from pg_stat_database: a statement
 * outside a transaction counts as one, as does a BEGIN … COMMIT. What the idle platform commits over the same time
 * (pollers, relays) is measured just before and taken off.
 */
async function countTransactionsPerPage(
  platform: BenchPlatform,
  page: () => Promise<{ status: number; body: GraphQLBody }>,
): Promise<Record<string, Transactions>> {
  const read = () =>
    withPgClient(TEST_POSTGRES_URL, async (client) => {
      const { rows } = await client.query<{ datname: string; xacts: string }>(
        'select datname, xact_commit + xact_rollback as xacts from pg_stat_database where datname = any($1::text[])',
        [platform.databases],
      );
      return new Map(rows.map((row) => [row.datname, Number(row.xacts)]));
    });
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const idleStart = await read();
  const idleStartedAt = nowMs();
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const idleEnd = await read();
  const idleMs = nowMs() - idleStartedAt;
  const busyStartedAt = nowMs();
  let next = 0;
  let failed = 0;
  // CONNECTIONS at a time, so the pages take little time beside the idle platform's own transactions.
  const caller = async () => {
    while (next++ < COUNTED_PAGES) {
      const { status, body } = await page();
      if (status !== 200 || body.errors) {
        failed++;
        lastError = `${status} ${JSON.stringify(body.errors)}`;
      }
    }
  };
  let lastError = '';
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  if (failed > 0) progress(`${failed} of the counted pages failed, the last with ${lastError}`);
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const busyEnd = await read();
  const busyMs = nowMs() - busyStartedAt;
  return Object.fromEntries(
    PLATFORM_SERVICES.map((service, index) => {
      const database = platform.databases[index]!;
      const idlePerMs = (idleEnd.get(database)! - idleStart.get(database)!) / idleMs;
      const raw = busyEnd.get(database)! - idleEnd.get(database)!;
      progress(`${service}: ${raw} transactions while counting (${(busyMs / 1000).toFixed(1)} s), ${(idlePerMs * 1000).toFixed(2)}/s when idle`);
      return [service, { perPage: (raw - idlePerMs * busyMs) / COUNTED_PAGES, idlePerSecond: idlePerMs * 1000 }];
    }),
  );
}

function render(results: Results): string {
  const medianOf = (side: Side, pick: (window: Window) => number) => median(results.windows[side].map(pick));
  const direct = medianOf('direct', (window) => window.perSecond);
  const ratios: Record<Side, number> = {
    direct: 1,
    gatewayOwn: medianOf('gatewayOwn', (window) => window.perSecond) / direct,
    gatewayReadme: medianOf('gatewayReadme', (window) => window.perSecond) / direct,
  };
  const target: Record<Side, string> = { direct: '—', gatewayOwn: `≥ ${TARGETS.hop}×`, gatewayReadme: `≥ ${TARGETS.readmeShape}×` };
  const verdict: Record<Side, string> = {
    direct: '—',
    gatewayOwn: ratios.gatewayOwn >= TARGETS.hop ? 'PASS' : '**MISS**',
    gatewayReadme: ratios.gatewayReadme >= TARGETS.readmeShape ? 'PASS' : '**MISS**',
  };
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `${CONNECTIONS} connections, ${ROUNDS} rounds of ${results.seconds} s per side, the sides in turn; medians of the rounds. ` +
      `Machine: ${cpus().length} cores shared with other work, Node ${process.version}, the platform ${process.env.MUTUO_BENCH_BUILT === '1' ? 'built' : 'from the sources through swc'}. ` +
      `Load before: \`${results.loadBefore}\`; after: \`${results.loadAfter}\`.`,
    '',
    '| Side | Throughput | p50 | p99 | Failed queries | Ratio to direct | Target | Result |',
    '|---|---:|---:|---:|---:|---:|---:|:---:|',
    ...SIDES.map(
      (side) =>
        `| ${SIDE_NAMES[side]} | ${medianOf(side, (window) => window.perSecond).toFixed(1)} req/s | ${medianOf(side, (window) => window.p50).toFixed(1)} ms | ` +
        `${medianOf(side, (window) => window.p99).toFixed(1)} ms | ${results.windows[side].reduce((sum, window) => sum + window.errors, 0)} | ` +
        `${ratios[side].toFixed(2)}× | ${target[side]} | ${verdict[side]} |`,
    ),
    '',
    `Rounds (req/s): ${SIDES.map((side) => `${side} ${results.windows[side].map((window) => window.perSecond.toFixed(1)).join(', ')}`).join('; ')}.`,
    '',
    `Transactions per page of the README shape (${COUNTED_PAGES} pages, ${CONNECTIONS} at a time, pg_stat_database, the idle rate taken off): ` +
      PLATFORM_SERVICES.map((service) => {
        const { perPage, idlePerSecond } = results.transactionsPerPage[service]!;
        return `${service} ${perPage.toFixed(1)} (idle ${idlePerSecond.toFixed(1)}/s)`;
      }).join(', ') +
      '. A transaction on pod data is BEGIN, set_config of the pod, the query, COMMIT.',
  ].join('\n');
}

const METHOD = `## Gateway

\`npm run bench:gateway\` (infra/bench/gateway.bench.ts) starts the platform as an operator runs it (five services,
each after its migrations on a fresh database, sharing one NATS prefix, and the gateway), seeds one pod through the
gateway (${MEMBERS} members, one request each, until every row of the first page has its requester and matching
status), then sends \`openRequests(first: ${PAGE})\` with ${CONNECTIONS} connections, each sending its next query when
the last one answered: to the requests subgraph directly with its own fields (with the gateway secret, as the gateway
sends it), the same through the gateway, and the README's shape (\`requester { displayName }\`,
\`matching { state candidateCount }\`) through the gateway; ${ROUNDS} rounds, the sides in turn, medians reported. Then
${COUNTED_PAGES} README pages, ${CONNECTIONS} at a time, counting each service database's transactions (pg_stat_database, minus
the idle platform's own rate). Targets (issue 19): the hop ≥ ${TARGETS.hop}× direct, the README shape ≥
${TARGETS.readmeShape}× direct. The load generator shares the machine with the platform: compare the sides of one run.
`;

runBenchmark('bench:gateway', main);
