import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { AnyIntegrationEventContract } from '@mutuo/contracts';
import { createOutboxMapper, errorMessage } from '@mutuo/messaging';
import { dropDatabase, ensureAppRole } from '@mutuo/platform';
import { TEST_POSTGRES_URL, answersOk, deleteStreamsWithPrefix, freePort, natsTestPrefix, stopChildProcess, uniqueSuffix, waitFor } from '@mutuo/testing';
import { CleanupStack } from './bench-environment';

/**
 * Running services and the gateway as child processes from a benchmark (benchmarks may import libs only, not
 * services), talking to them, and rewriting a benchmark's results section of docs/benchmarks.md.
 */
const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'infra', 'register.js');

export interface BenchChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last 200 chunks of its output, for error messages. */
  readonly output: string[];
}

/** Starts `script` (relative to the repository root) with the TypeScript loader, keeping the tail of its output. */
export function spawnBenchScript(name: string, script: string, env: NodeJS.ProcessEnv): BenchChild {
  // Built output (.js) runs on plain node, as in production; sources run through swc.
  const args = script.endsWith('.js') ? [script] : ['-r', REGISTER, script];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, process: child, output };
}

/** Runs a script (migrations, say) to its end; rejects with its output when it fails. */
export function runBenchScriptToEnd(name: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawnBenchScript(name, script, env);
  return new Promise((resolve, reject) => {
    child.process.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code}):\n${child.output.join('')}`))));
  });
}

export async function waitUntilChildReady(child: BenchChild, url: string, timeoutMs = 60_000): Promise<void> {
  try {
    await waitFor(() => answersOk(url), { description: `${child.name} to be ready`, timeoutMs, intervalMs: 250 });
  } catch (error) {
    throw new Error(`${errorMessage(error)}\n${child.output.slice(-30).join('')}`);
  }
}

/**
 * Replaces what lies between `start` and `end` in `document` with `section`; the first time, appends `method`, a
 * results heading and the markers.
 */
export function writeBenchSection(document: string, markers: { start: string; end: string }, method: string, section: string): void {
  const block = `${markers.start}\n\n${section}\n\n${markers.end}`;
  const current = existsSync(document) ? readFileSync(document, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(markers.start);
  const end = current.indexOf(markers.end);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + markers.end.length)
      : `${current.trimEnd()}\n\n${method}\n### Results\n\n${block}\n`;
  writeFileSync(document, next);
}

/** The environment every service or gateway child of a benchmark starts from. */
export function benchBaseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn' };
}

export interface BenchService {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  /** Superuser URL of the service's benchmark database. */
  readonly adminUrl: string;
  readonly natsPrefix: string;
  /** The environment the service runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** Stops the service (also deferred to the cleanup; stopping twice does nothing). */
  stop(): Promise<void>;
}

export interface BenchServiceOptions {
  /** The service folder and database role name, e.g. `requests`. */
  readonly service: string;
  /** Everything but PORT, DATABASE_ADMIN_URL, DATABASE_URL and NATS_PREFIX, which are filled in here. */
  readonly env: NodeJS.ProcessEnv;
  /** A port chosen beforehand, when the environment has to name it (a JWKS URL, say). */
  readonly port?: number;
  /** Runs after the migrations, before the service starts (extra baseline tables, say). */
  readonly afterMigrations?: (adminUrl: string) => Promise<unknown>;
}

/**
 * A service on a fresh database `mutuo_bench_<service>_<suffix>` and NATS prefix, as its operators would run it:
 * migrations first, then the service as a child process, until its readiness probe answers. The database, the streams
 * and the process are removed by `cleanup`.
 */
export async function startBenchService(cleanup: CleanupStack, options: BenchServiceOptions): Promise<BenchService> {
  const { service } = options;
  const natsPrefix = natsTestPrefix();
  const database = `mutuo_bench_${service}_${uniqueSuffix()}`;
  const port = options.port ?? (await freePort());
  const admin = new URL(TEST_POSTGRES_URL);
  admin.pathname = `/${database}`;
  const app = new URL(admin.toString());
  app.username = `mutuo_${service}_app`;
  app.password = '';
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_ADMIN_URL: admin.toString(),
    DATABASE_URL: app.toString(),
    NATS_PREFIX: natsPrefix,
  };
  cleanup.defer(`drop database ${database}`, () => dropDatabase(TEST_POSTGRES_URL, database));
  cleanup.defer(`delete streams ${natsPrefix}*`, () => deleteStreamsWithPrefix(natsPrefix));
  await ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${service}_app` });
  await runBenchScriptToEnd(`${service} migrations`, `services/${service}/src/migrate.ts`, env);
  await options.afterMigrations?.(admin.toString());
  const child = spawnBenchScript(service, `services/${service}/src/main.ts`, env);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChildProcess(child.process);
  };
  cleanup.defer(`stop ${service}`, stop);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilChildReady(child, `${baseUrl}/health/ready`);
  return { port, baseUrl, graphqlUrl: `${baseUrl}/graphql`, adminUrl: admin.toString(), natsPrefix, env, stop };
}

/** A load generator is one caller sending far more than a person's quota: the gateway's rate limits are off. */
export const UNLIMITED_CALLERS = { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' };

/** The gateway in front of `subgraphs` (service name → its URL), on a free port; stopped by `cleanup`. Its GraphQL URL. */
export async function startBenchGateway(cleanup: CleanupStack, env: NodeJS.ProcessEnv, subgraphs: Record<string, string>): Promise<string> {
  const port = await freePort();
  const gateway = spawnBenchScript('gateway', 'gateway/src/main.ts', {
    ...env,
    ...UNLIMITED_CALLERS,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...Object.fromEntries(Object.entries(subgraphs).map(([service, url]) => [`SUBGRAPH_${service.toUpperCase()}_URL`, url])),
  });
  cleanup.defer('stop gateway', () => stopChildProcess(gateway.process));
  await waitUntilChildReady(gateway, `http://127.0.0.1:${port}/health/ready`);
  return `http://127.0.0.1:${port}/graphql`;
}

export interface GraphQLBody {
  data?: unknown;
  errors?: unknown[];
}

/** One GraphQL POST; the answer's status and body, whatever they are (the benchmark decides what counts as an error). */
export async function postGraphQL(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables: object = {},
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

/**
 * Publishes `data` as `contract` the way its producer's outbox relay would (the NATS message id is the event id).
 * For benchmarks of a consuming service.
 */
export async function publishAsProducer(
  nc: NatsConnection,
  at: { readonly prefix: string; readonly region: string },
  event: {
    readonly contract: AnyIntegrationEventContract;
    readonly eventId: string;
    readonly streamId: string;
    readonly podId: string;
    readonly data: unknown;
    readonly occurredAt?: string;
  },
): Promise<void> {
  const { contract, eventId, streamId, podId, data } = event;
  const message = createOutboxMapper({ service: contract.service, region: at.region, prefix: at.prefix, map: () => ({ contract, data }) })({
    eventId,
    streamId,
    streamPosition: 1,
    podId,
    type: contract.type,
    data,
    metadata: { occurredAt: event.occurredAt ?? new Date().toISOString(), actorId: 'bench', podId },
  });
  const headers = natsHeaders();
  for (const [name, value] of Object.entries(message!.headers ?? {})) headers.set(name, value);
  await jetstream(nc).publish(message!.subject, JSON.stringify(message!.payload), { msgID: eventId, headers });
}

/**
 * Runs a benchmark's body with a cleanup stack that is emptied at the end, after a failure, or on SIGINT/SIGTERM;
 * a failure is printed and sets the exit code.
 */
export function runBenchmark(name: string, body: (cleanup: CleanupStack) => Promise<void>): void {
  const run = async () => {
    const cleanup = new CleanupStack();
    const stop = () => void cleanup.run().finally(() => process.exit(130));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await body(cleanup);
    } finally {
      await cleanup.run();
    }
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

export const BENCH_DOCUMENT = join(ROOT, 'docs', 'benchmarks.md');

/**
 * Prints the results section of `npm run bench:<bench>` and rewrites it in docs/benchmarks.md, between that
 * benchmark's markers; the first time, after `method` (its "## <Title>" section).
 */
export function publishBenchResults(bench: string, title: string, method: string, section: string): void {
  process.stdout.write(`\n${section}\n`);
  const markers = { start: `<!-- bench:${bench} results start (written by \`npm run bench:${bench}\`) -->`, end: `<!-- bench:${bench} results end -->` };
  writeBenchSection(BENCH_DOCUMENT, markers, method, section);
  process.stdout.write(`\nWrote the ${title} results to ${BENCH_DOCUMENT}\n`);
}
