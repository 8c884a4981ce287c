/**
 * Requests at the gateway: how far the post-a-request mutation scales before its p99 passes 100 ms, against the same
 * mutation sent to the requests subgraph directly in the same run; and browsing the open requests of a pod holding
 * 50,000 of them (p95).
 *
 * Services are separate projects, so this tooling script cannot import them: requests (after its migrations) and the
 * gateway run as child processes, as in gateway/e2e, on a fresh database and NATS prefix removed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { mintDevToken, withPgClient } from '@mutuo/platform';
import {
  benchBaseEnv,
  postGraphQL as send,
  publishBenchResults,
  runBenchmark,
  startBenchGateway,
  startBenchService,
  type GraphQLBody,
} from './bench-child-process';
import type { CleanupStack } from './bench-environment';
import { nowMs, percentile } from './statistics';

const GATEWAY_SHARED_SECRET = randomBytes(24).toString('hex');
const JWT_SECRET = randomBytes(32).toString('hex');

/** Offered load, requests per second, each held for STEP_SECONDS on each side. */
const RATES = [10, 25, 50, 100, 150, 200, 300, 400, 600];
const STEP_SECONDS = 6;
const P99_LIMIT_MS = 100;
const OPEN_ITEMS = 50_000;
const SEED_BATCH = 5_000;
const BROWSE_QUERIES = 400;
const BROWSE_PAGE = 20;
const PROJECTION_TIMEOUT_MS = 900_000;

const POST = `mutation($input: PostRequestInput!) { postRequest(input: $input) { id status } }`;
const BROWSE = `query($after: String, $filter: BrowseFilter) {
  openRequests(first: ${BROWSE_PAGE}, after: $after, filter: $filter) { edges { node { id title urgency } } endCursor hasNextPage }
}`;

interface Platform {
  readonly gatewayUrl: string;
  readonly subgraphUrl: string;
  readonly adminUrl: string;
}

interface Step {
  readonly rate: number;
  readonly gateway: Latency;
  readonly subgraph: Latency;
}
interface Latency {
  readonly achieved: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}
interface BrowseResult {
  readonly name: string;
  readonly side: 'gateway' | 'subgraph';
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}
interface Results {
  readonly startedAt: Date;
  readonly steps: Step[];
  readonly seedSeconds: number;
  readonly browse: BrowseResult[];
}

async function main(cleanup: CleanupStack): Promise<void> {
  const platform = await startPlatform(cleanup);
  const results = await measure(platform);
  const section = render(results);
  publishBenchResults('requests', 'Requests', METHOD, section);
}

async function startPlatform(cleanup: CleanupStack): Promise<Platform> {
  const baseEnv: NodeJS.ProcessEnv = { ...benchBaseEnv(), JWT_SECRET, JWT_ALGORITHMS: 'HS256', GATEWAY_SHARED_SECRET };
  const requests = await startBenchService(cleanup, { service: 'requests', env: { ...baseEnv, REGION: 'bench', REQUEST_EXPIRY_ENABLED: 'false' } });
  const gatewayUrl = await startBenchGateway(cleanup, baseEnv, { requests: requests.graphqlUrl });
  return { gatewayUrl, subgraphUrl: requests.graphqlUrl, adminUrl: requests.adminUrl };
}

async function measure(platform: Platform): Promise<Results> {
  const startedAt = new Date();
  const podId = randomUUID();
  const token = await mintDevToken({ subject: 'person-bench', podId, roles: ['member'] }, { secret: JWT_SECRET });
  const viaGateway = (query: string, variables: object) => send(platform.gatewayUrl, { authorization: `Bearer ${token}` }, query, variables);
  const direct = (query: string, variables: object) =>
    send(platform.subgraphUrl, { authorization: `Bearer ${token}`, 'x-mutuo-gateway-secret': GATEWAY_SHARED_SECRET }, query, variables);
  let counter = 0;
  const postVariables = () => ({
    input: { title: `Bench need ${++counter}`, description: 'Groceries for the week', language: 'en', category: 'GROCERIES', location: { cell: 'eycs21' } },
  });

  // (a) Posting at increasing offered rates, subgraph then gateway at each rate, until the gateway's p99 passes the limit.
  for (let warm = 0; warm < 50; warm++) {
    await viaGateway(POST, postVariables());
    await direct(POST, postVariables());
  }
  const steps: Step[] = [];
  for (const rate of RATES) {
    const subgraph = await openLoop(rate, STEP_SECONDS, () => direct(POST, postVariables()));
    const gateway = await openLoop(rate, STEP_SECONDS, () => viaGateway(POST, postVariables()));
    steps.push({ rate, gateway, subgraph });
    process.stdout.write(`rate ${rate}/s: gateway p99 ${gateway.p99.toFixed(1)} ms, subgraph p99 ${subgraph.p99.toFixed(1)} ms\n`);
    if (gateway.p99 > P99_LIMIT_MS) break;
  }

  // (b) A pod with 50,000 open requests: batched appends straight into the event store, the service's own
  // projection turns them into its read model, as it would after a replay.
  const browsePod = randomUUID();
  const seedStart = nowMs();
  for (let offset = 0; offset < OPEN_ITEMS; offset += SEED_BATCH)
    await seedBatch(platform.adminUrl, browsePod, offset, Math.min(SEED_BATCH, OPEN_ITEMS - offset));
  process.stdout.write(`appended ${OPEN_ITEMS} RequestPosted events in ${((nowMs() - seedStart) / 1000).toFixed(1)} s\n`);
  await waitForProjection(platform.adminUrl, browsePod);
  // What autovacuum does shortly after a bulk load anyway: planner statistics for a table that grew from empty.
  await withPgClient(platform.adminUrl, (client) => client.query('analyze request_details'));
  const seedSeconds = (nowMs() - seedStart) / 1000;
  process.stdout.write(`seeded ${OPEN_ITEMS} open requests in ${seedSeconds.toFixed(1)} s\n`);

  const browseToken = await mintDevToken({ subject: 'person-browser', podId: browsePod, roles: ['member'] }, { secret: JWT_SECRET });
  const sides = {
    gateway: (variables: object) => send(platform.gatewayUrl, { authorization: `Bearer ${browseToken}` }, BROWSE, variables),
    subgraph: (variables: object) =>
      send(platform.subgraphUrl, { authorization: `Bearer ${browseToken}`, 'x-mutuo-gateway-secret': GATEWAY_SHARED_SECRET }, BROWSE, variables),
  };
  const filters: { name: string; filter: object | null }[] = [
    { name: 'newest first, no filter', filter: null },
    { name: 'category', filter: { category: 'MEDICAL' } },
    { name: 'urgency + cell prefix', filter: { urgency: 'URGENT', cellPrefix: 'eycs2' } },
    {
      name: 'area (polygon)',
      filter: {
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [-9.16, 38.7],
              [-9.12, 38.7],
              [-9.12, 38.74],
              [-9.16, 38.74],
              [-9.16, 38.7],
            ],
          ],
        },
      },
    },
  ];
  const results: BrowseResult[] = [];
  for (const { name, filter } of filters) {
    for (const side of ['subgraph', 'gateway'] as const) {
      const sorted = (await browseLatencies(sides[side], filter, name)).sort((a, b) => a - b);
      results.push({ name, side, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) });
    }
  }
  return { startedAt, steps, seedSeconds, browse: results };
}

type OpenRequestsPage = { edges: unknown[]; endCursor: string | null; hasNextPage: boolean };

/** One query in flight, pages 1–20 by cursor and then from the top again: deep cursors and the first page both count. */
async function browseLatencies(browse: (variables: object) => Promise<{ body: GraphQLBody }>, filter: object | null, name: string): Promise<number[]> {
  const latencies: number[] = [];
  let after: string | null = null;
  for (let query = 0; query < BROWSE_QUERIES; query++) {
    const start = nowMs();
    const { body } = await browse({ after, filter });
    latencies.push(nowMs() - start);
    const page = (body.data as { openRequests?: OpenRequestsPage } | undefined)?.openRequests;
    if (!page || body.errors) throw new Error(`browsing (${name}) failed: ${JSON.stringify(body.errors)}`);
    if (page.edges.length === 0) throw new Error(`browsing (${name}) found nothing`);
    after = page.hasNextPage && query % 20 !== 19 ? page.endCursor : null;
  }
  return latencies;
}

/**
 * The projection holds every seeded request, or stops the benchmark as soon as it parks one (with the projection's
 * error) instead of waiting for the timeout.
 */
async function waitForProjection(adminUrl: string, podId: string): Promise<void> {
  const deadline = nowMs() + PROJECTION_TIMEOUT_MS;
  for (;;) {
    const progress = await withPgClient(adminUrl, async (client) => {
      const { rows } = await client.query(
        `select (select count(*)::int from request_details where pod_id = $1) as projected,
                (select count(*)::int from mutuo_parked_events where projection = 'request-details') as parked,
                (select error from mutuo_parked_events where projection = 'request-details' order by global_position limit 1) as error`,
        [podId],
      );
      return rows[0] as { projected: number; parked: number; error: string | null };
    });
    if (progress.parked > 0) throw new Error(`request-details parked ${progress.parked} seeded events instead of projecting them: ${progress.error}`);
    if (progress.projected >= OPEN_ITEMS) return;
    if (nowMs() > deadline)
      throw new Error(`the projection held ${progress.projected} of ${OPEN_ITEMS} requests after ${PROJECTION_TIMEOUT_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * RequestPosted events written in one statement per batch (no outbox: nothing is published), in the shape they had
 * before region browsing (no regionId, no schema version): the store's upcasters bring them to the current shape,
 * as they would in a replay of an older pod's history.
 */
async function seedBatch(adminUrl: string, podId: string, offset: number, count: number): Promise<void> {
  await withPgClient(adminUrl, (client) =>
    client.query(
      `insert into mutuo_events (event_id, stream_id, stream_position, pod_id, type, data, metadata)
       select gen_random_uuid(), 'request:' || $1 || ':' || s.id, 1, $1::uuid, 'RequestPosted',
         jsonb_build_object(
           'requestId', s.id, 'podId', $1, 'requesterMemberId', gen_random_uuid(), 'postedByMemberId', gen_random_uuid(),
           'anonymous', false, 'incidentId', null, 'urgency', (array['emergency','urgent','normal'])[1 + s.i % 3],
           'postedAt', s.posted_at, 'respondBy', s.posted_at, 'title', 'Seeded need ' || s.i, 'description', '', 'language', 'en',
           'category', (array['food','groceries','meals','housing','transport','childcare','eldercare','medical','money','skills','errands','emotional-support','translation','other'])[1 + s.i % 14],
           'subcategory', null, 'window', jsonb_build_object('from', null, 'until', null, 'rrule', null, 'durationMinutes', null),
           'location', jsonb_build_object('cell', 'eycs' || substr('0123456789bcdefghjkmnpqrstuvwxyz', 1 + s.i % 32, 1) || substr('0123456789bcdefghjkmnpqrstuvwxyz', 1 + (s.i / 32) % 32, 1), 'precise', null),
           'visibility', 'pod', 'quantity', null),
         jsonb_build_object('occurredAt', s.posted_at, 'actorId', 'bench', 'podId', $1)
       from (select gen_random_uuid()::text as id, i, to_char((now() - make_interval(secs => i)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as posted_at
             from generate_series($2::int, $3::int) as i) s`,
      [podId, offset, offset + count - 1],
    ),
  );
}

/** Sends at `rate` per second for `seconds` whatever the answers' pace (open loop), and reports what came back. */
async function openLoop(rate: number, seconds: number, request: () => Promise<{ status: number; body: GraphQLBody }>): Promise<Latency> {
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  const start = nowMs();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = start + (index * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = nowMs();
    inFlight.push(
      request().then(
        ({ status, body }) => {
          latencies.push(nowMs() - sent);
          if (status !== 200 || body.errors) errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (nowMs() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return { achieved: latencies.length / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors };
}

function render(results: Results): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const last = results.steps[results.steps.length - 1]!;
  const sustained = [...results.steps].reverse().find((step) => step.gateway.p99 <= P99_LIMIT_MS);
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Machine: ${cpus().length} cores (shared with other work while measured), Node ${process.version}.`,
    '',
    '**Posting a request** (`postRequest`, open loop, each rate held ' + `${STEP_SECONDS} s per side, subgraph first):`,
    '',
    '| Offered rate | Gateway achieved | Gateway p50 | Gateway p99 | Subgraph p50 | Subgraph p99 | p99 ratio (gateway / subgraph) | Errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.steps.map(
      (step) =>
        `| ${step.rate}/s | ${step.gateway.achieved.toFixed(0)}/s | ${ms(step.gateway.p50)} | ${ms(step.gateway.p99)} | ${ms(step.subgraph.p50)} | ${ms(step.subgraph.p99)} | ${(step.gateway.p99 / step.subgraph.p99).toFixed(2)}× | ${step.gateway.errors + step.subgraph.errors} |`,
    ),
    '',
    sustained
      ? `Highest rate with gateway p99 ≤ ${P99_LIMIT_MS} ms: **${sustained.rate}/s**` +
        (last.gateway.p99 > P99_LIMIT_MS ? `; at ${last.rate}/s it was ${ms(last.gateway.p99)}.` : ' (the limit was not reached at the highest rate tried).')
      : `The gateway p99 was above ${P99_LIMIT_MS} ms already at ${last.rate}/s.`,
    '',
    `**Browsing** \`openRequests(first: ${BROWSE_PAGE})\` through the gateway, and on the subgraph directly, in a pod with ${OPEN_ITEMS.toLocaleString('en')} open requests ` +
      `(seeded in ${results.seedSeconds.toFixed(0)} s by batched appends + the service's projection; ${BROWSE_QUERIES} queries per filter, one in flight, pages 1–20 by cursor):`,
    '',
    '| Filter | Gateway p50 | Gateway p95 | Gateway p99 | Subgraph p50 | Subgraph p95 | p95 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.browse
      .filter((row) => row.side === 'gateway')
      .map((row) => {
        const direct = results.browse.find((other) => other.side === 'subgraph' && other.name === row.name)!;
        return `| ${row.name} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${ms(direct.p50)} | ${ms(direct.p95)} | ${(row.p95 / direct.p95).toFixed(2)}× |`;
      }),
  ].join('\n');
}

const METHOD = `## Requests

\`npm run bench:requests\` runs requests (after its migrations) and the gateway as child processes on a fresh database
and NATS prefix, removed at the end. (a) \`postRequest\` is sent open loop at increasing rates, to the requests subgraph
directly (with the gateway secret, as the gateway sends it) and through the gateway, in the same run, until the
gateway's p99 passes 100 ms. (b) 50,000 open requests are appended to the event store in batches of 5,000 and projected
by the running service (then \`analyze\`, as autovacuum would after a bulk load); \`openRequests\` is browsed with four
filters through the gateway and on the subgraph directly (the partial indexes on open requests serve the first three;
an area narrows by bounding box in SQL, then by polygon). Figures come from a
2-core machine shared with other work: compare the two sides of one run, not runs with each other.
`;

runBenchmark('bench:requests', main);
