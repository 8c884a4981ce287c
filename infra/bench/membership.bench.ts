/**
 * Membership at the gateway: what verifying a sign-in token costs per request, and how fast the member directory
 * pages through a pod of 5,000 members. See the "Membership" section of docs/benchmarks.md.
 *
 *   npm run bench:membership   two to four minutes; rewrites the Membership results in docs/benchmarks.md
 *
 * Services are separate projects, so this tooling script cannot import them: membership (after its migrations) and
 * the gateway run as child processes, as in gateway/e2e, on a fresh database and NATS prefix removed at the end.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { es256SigningKeyFromPem, mintDevToken, type DevTokenSigning } from '@mutuo/platform';
import { freePort, waitFor } from '@mutuo/testing';
import { benchBaseEnv, postGraphQL, publishBenchResults, runBenchmark, startBenchGateway, startBenchService, type GraphQLBody } from './bench-child-process';
import type { CleanupStack } from './bench-environment';
import { forEachConcurrently, nowMs, percentile } from './statistics';

const GATEWAY_SHARED_SECRET = randomBytes(24).toString('hex');

const AUTH_CONCURRENCY = 32;
/** Each side runs this long in total, in four interleaved segments (A B B A). */
const AUTH_SECONDS_PER_SIDE = 10;
const POD_SIZE = 5_000;
const JOIN_CONCURRENCY = 16;
const DIRECTORY_PAGE = 50;
const DIRECTORY_QUERIES = 500;
/** Target: a token costs at most 10 % of the gateway's throughput. */
const AUTH_TARGET_RATIO = 0.9;

const TYPENAME = '{ __typename }';
const DIRECTORY = `query($podId: ID!, $after: String) {
  pod(id: $podId) { members(first: ${DIRECTORY_PAGE}, after: $after) { edges { node { id displayName } } endCursor hasNextPage } }
}`;

async function main(cleanup: CleanupStack): Promise<void> {
  const platform = await startPlatform(cleanup);
  const results = await measure(platform);
  const section = render(results);
  publishBenchResults('membership', 'Membership', METHOD, section);
}

interface Platform {
  readonly gatewayUrl: string;
  readonly signing: DevTokenSigning;
}

async function startPlatform(cleanup: CleanupStack): Promise<Platform> {
  const signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const membershipPort = await freePort();
  const membershipUrl = `http://127.0.0.1:${membershipPort}`;
  const baseEnv: NodeJS.ProcessEnv = {
    ...benchBaseEnv(),
    JWT_JWKS_URL: `${membershipUrl}/.well-known/jwks.json`,
    JWT_ALGORITHMS: 'ES256',
    GATEWAY_SHARED_SECRET,
  };
  const membership = await startBenchService(cleanup, {
    service: 'membership',
    port: membershipPort,
    env: {
      ...baseEnv,
      MEMBERSHIP_SIGNING_KEY: signingKeyPem,
      MEMBERSHIP_CODE_DELIVERY_KEY: randomBytes(32).toString('base64'),
      MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex'),
      REGION: 'bench',
    },
  });
  const gatewayUrl = await startBenchGateway(
    cleanup,
    // The baseline: the same `{ __typename }` executed without a token (the gateway opens nothing else anonymously).
    { ...baseEnv, GATEWAY_BENCH_ANONYMOUS_TYPENAME: 'true' },
    { membership: membership.graphqlUrl },
  );
  return { gatewayUrl, signing: { key: es256SigningKeyFromPem(signingKeyPem) } };
}

interface Results {
  readonly startedAt: Date;
  readonly withToken: number;
  readonly anonymous: number;
  readonly seedSeconds: number;
  /** From the end of the token measurement until the directory listed every member (read-model lag). */
  readonly directoryCatchUpSeconds: number;
  readonly directory: { p50: number; p95: number; p99: number; max: number; count: number };
}

async function measure(platform: Platform): Promise<Results> {
  const startedAt = new Date();
  const post = postTo(platform.gatewayUrl);

  // Set-up: a region, a pod, and 5,000 people joining it through the gateway, as the app does.
  const operator = await mintDevToken({ subject: 'person-bench-operator', roles: ['operator'] }, platform.signing);
  const region = await data<{ createRegion: { id: string } }>(post, operator, 'mutation { createRegion(input: { name: "Bench", slug: "bench" }) { id } }');
  const podId = (
    await data<{ createPod: { id: string } }>(post, operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: region.createRegion.id, name: 'Bench pod', languages: ['en'], timezone: 'Europe/Lisbon' },
    })
  ).createPod.id;
  const memberToken = (index: number) => mintDevToken({ subject: `person-bench-${index}`, podId, roles: ['member'] }, platform.signing);

  const seedStart = nowMs();
  await forEachConcurrently(POD_SIZE, JOIN_CONCURRENCY, async (index) => {
    // Names in no particular order, so the directory has to sort them.
    const name = `Member ${((index * 7919) % POD_SIZE).toString().padStart(4, '0')}`;
    await data(post, await memberToken(index), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name });
  });
  const seedSeconds = (nowMs() - seedStart) / 1000;
  process.stdout.write(`seeded ${POD_SIZE} members in ${seedSeconds.toFixed(1)} s\n`);

  // (a) The same trivial query with a token and without one, interleaved A B B A, after a warm-up.
  const token = await memberToken(0);
  const withToken = () => post(token, TYPENAME);
  const anonymous = () => post(null, TYPENAME);
  await saturate(withToken, 2_000, 200);
  await saturate(anonymous, 2_000, 200);
  const segmentMs = (AUTH_SECONDS_PER_SIDE * 1000) / 2 / 2;
  const counts = { withToken: 0, anonymous: 0 };
  for (const side of ['withToken', 'anonymous', 'anonymous', 'withToken'] as const) {
    counts[side] += await saturate(side === 'withToken' ? withToken : anonymous, segmentMs, 200);
  }
  const seconds = AUTH_SECONDS_PER_SIDE / 2;

  // (b) Walking the directory page by page, one query in flight, 500 queries (the whole pod five times), once the
  // directory (a read model) holds everyone who joined.
  const catchUpStart = nowMs();
  await waitFor(async () => ((await directorySize(post, token, podId)) === POD_SIZE ? true : undefined), {
    description: `the directory to hold all ${POD_SIZE} members`,
    timeoutMs: 300_000,
    intervalMs: 1_000,
  });
  const directoryCatchUpSeconds = (nowMs() - catchUpStart) / 1000;
  const latencies: number[] = [];
  let after: string | null = null;
  for (let query = 0; query < DIRECTORY_QUERIES; query++) {
    const start = nowMs();
    const page: { pod: { members: { edges: unknown[]; endCursor: string | null; hasNextPage: boolean } } } = await data(post, token, DIRECTORY, {
      podId,
      after,
    });
    latencies.push(nowMs() - start);
    if (page.pod.members.edges.length !== DIRECTORY_PAGE) throw new Error(`a directory page held ${page.pod.members.edges.length} members`);
    after = page.pod.members.hasNextPage ? page.pod.members.endCursor : null;
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    startedAt,
    withToken: counts.withToken / seconds,
    anonymous: counts.anonymous / seconds,
    seedSeconds,
    directoryCatchUpSeconds,
    directory: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]!, count: sorted.length },
  };
}

/** How many members the directory lists now, page by page. */
async function directorySize(post: Post, token: string, podId: string): Promise<number> {
  let size = 0;
  let after: string | null = null;
  do {
    const page: { pod: { members: { edges: unknown[]; endCursor: string | null; hasNextPage: boolean } } } = await data(post, token, DIRECTORY, {
      podId,
      after,
    });
    size += page.pod.members.edges.length;
    after = page.pod.members.hasNextPage ? page.pod.members.endCursor : null;
  } while (after !== null);
  return size;
}

type Post = (token: string | null, query: string, variables?: Record<string, unknown>) => Promise<{ status: number; body: GraphQLBody }>;

function postTo(url: string): Post {
  return (token, query, variables = {}) => postGraphQL(url, token ? { authorization: `Bearer ${token}` } : {}, query, variables);
}

async function data<T>(post: Post, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { status, body } = await post(token, query, variables);
  if (status !== 200 || body.errors?.length || !body.data) throw new Error(`GraphQL failed (HTTP ${status}): ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** Keeps AUTH_CONCURRENCY requests in flight for `durationMs`; how many completed, each checked for its status. */
async function saturate(request: () => Promise<{ status: number }>, durationMs: number, expectedStatus: number): Promise<number> {
  const deadline = nowMs() + durationMs;
  let completed = 0;
  await forEachConcurrently(AUTH_CONCURRENCY, AUTH_CONCURRENCY, async () => {
    while (nowMs() < deadline) {
      const { status } = await request();
      if (status !== expectedStatus) throw new Error(`expected HTTP ${expectedStatus}, got ${status}`);
      completed++;
    }
  });
  return completed;
}

function render(results: Results): string {
  const ratio = results.withToken / results.anonymous;
  const { directory } = results;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  return [
    `### Results of ${results.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    '| Measure | Mutuo | Baseline | Ratio | Target | Result |',
    '|---|---:|---:|---:|---:|:---:|',
    `| Gateway \`{ __typename }\`, ${AUTH_CONCURRENCY} in flight, ${AUTH_SECONDS_PER_SIDE} s each | ${results.withToken.toFixed(0)} req/s (ES256 token) | ${results.anonymous.toFixed(0)} req/s (no token, executed) | ${ratio.toFixed(2)}× | ≥ ${AUTH_TARGET_RATIO.toFixed(2)}× | ${ratio >= AUTH_TARGET_RATIO ? 'PASS' : 'FAIL'} |`,
    `| Member directory page of ${DIRECTORY_PAGE}, pod of ${POD_SIZE.toLocaleString('en')}, p50 (${directory.count} queries) | ${ms(directory.p50)} | — | — | — | — |`,
    `| Member directory p95 | ${ms(directory.p95)} | — | — | — | — |`,
    `| Member directory p99 | ${ms(directory.p99)} | — | — | — | — |`,
    `| Member directory max | ${ms(directory.max)} | — | — | — | — |`,
    '',
    `Seeding ${POD_SIZE.toLocaleString('en')} members through \`joinPod\` (${JOIN_CONCURRENCY} in flight) took ${results.seedSeconds.toFixed(1)} s; ` +
      `the directory listed all of them ${results.directoryCatchUpSeconds.toFixed(1)} s after the token measurement. ` +
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.`,
  ].join('\n');
}

const METHOD = `## Membership

\`npm run bench:membership\` runs membership (after its migrations) and the gateway as child processes — \`infra\` is
tooling and may import only libs — on a fresh database \`mutuo_bench_membership_<suffix>\` and NATS prefix, both removed
at the end, also after a failure or Ctrl-C. Membership signs ES256 tokens with a key made for the run; the gateway
verifies them against membership's JWKS, as in production. It takes two to four minutes and rewrites the results
below.

- **Token verification.** The same \`{ __typename }\` document, answered by the gateway alone (no subgraph call), with
  a member's ES256 token and without one, ${AUTH_CONCURRENCY} requests in flight, ${AUTH_SECONDS_PER_SIDE} s per side in interleaved
  segments A B B A after a 2 s warm-up each. The gateway normally opens no query to anonymous callers; for this run
  only it is started with \`GATEWAY_BENCH_ANONYMOUS_TYPENAME=true\` (ignored in production), which lets a query of
  nothing but \`__typename\` run without a token, so both sides execute the same operation and differ only in
  authentication. The verifier keeps verified tokens until they expire, so a repeated token costs a map lookup, not an
  ES256 check. Target: a token costs at most 10 % of throughput. The machine is shared: compare the ratio, not the
  absolute figures.
- **Member directory.** A pod of 5,000 members, joined through \`joinPod\` at the gateway; then \`pod(id) { members(first: 50,
  after) { … } }\` walks the directory page by page with one query in flight, ${DIRECTORY_QUERIES} queries (the whole pod five
  times), as a member of the pod. Each page is one index walk (\`members_directory_idx\` on pod, display name, id for
  active members) inside the pod's row-level security, plus one query for blocks. No target yet.
`;

runBenchmark('bench:membership', main);
