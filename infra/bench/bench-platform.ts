import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { dropDatabase, ensureAppRole, es256SigningKeyFromPem, type DevTokenSigning } from '@mutuo/platform';
import { TEST_POSTGRES_URL, deleteStreamsWithPrefix, freePort, natsTestPrefix, stopChildProcess, uniqueSuffix } from '@mutuo/testing';
import { benchBaseEnv, runBenchScriptToEnd, spawnBenchScript, UNLIMITED_CALLERS, waitUntilChildReady, type BenchChild } from './bench-child-process';

/** MUTUO_BENCH_BUILT=1 runs the built output (`npm run build` first), as production does; the sources otherwise. */
const BUILT = process.env.MUTUO_BENCH_BUILT === '1';

function entryPoint(service: string, entry: 'main' | 'migrate'): string {
  return BUILT ? `dist/services/${service}/${entry}.js` : `services/${service}/src/${entry}.ts`;
}
import type { CleanupStack } from './bench-environment';

/** Six processes compiling TypeScript at once on a loaded machine can take minutes. */
const START_TIMEOUT_MS = 300_000;

const GATEWAY_SECRET = 'bench-gateway-secret-0123456789abcdef0123';

export const PLATFORM_SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'] as const;

export interface BenchPlatform {
  /** The five services and the gateway, as started. */
  readonly processes: readonly BenchChild[];
  /** Each service's database name (`mutuo_bench_<service>_<suffix>`). */
  readonly databases: readonly string[];
  readonly natsPrefix: string;
  readonly gatewayUrl: string;
  /** Each service's own GraphQL URL (it answers callers that send the gateway secret). */
  readonly subgraphUrls: Readonly<Record<(typeof PLATFORM_SERVICES)[number], string>>;
  /** The gateway's shared secret, for calling a subgraph directly as the gateway does. */
  readonly gatewaySecret: string;
  /** Membership's signing key: `mintDevToken(claims, platform.signing)` makes tokens every service accepts. */
  readonly signing: DevTokenSigning;
}

/**
 * The whole platform as an operator runs it: five services, each on a fresh database after its migrations, sharing
 * one NATS prefix, and the gateway in front of them; membership signs tokens with a key made for the run. Everything
 * is removed by `cleanup`.
 */
export async function startBenchPlatform(cleanup: CleanupStack, options: { readonly gatewayEnv?: NodeJS.ProcessEnv } = {}): Promise<BenchPlatform> {
  const suffix = uniqueSuffix();
  const natsPrefix = natsTestPrefix();
  const signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const codeDeliveryKey = randomBytes(32).toString('base64');
  const ports = await Promise.all(PLATFORM_SERVICES.map(() => freePort()));
  const membershipUrl = `http://127.0.0.1:${ports[0]}`;
  const base: NodeJS.ProcessEnv = {
    ...benchBaseEnv(),
    JWT_JWKS_URL: `${membershipUrl}/.well-known/jwks.json`,
    JWT_ALGORITHMS: 'ES256',
    GATEWAY_SHARED_SECRET: GATEWAY_SECRET,
    NATS_PREFIX: natsPrefix,
    REGION: 'bench',
    // E.g. `--require ./infra/bench/idle-profile.preload.js` to see where an idle service's CPU goes (see that file).
    ...(process.env.MUTUO_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.MUTUO_BENCH_NODE_OPTIONS } : {}),
  };
  cleanup.defer(`delete streams ${natsPrefix}*`, () => deleteStreamsWithPrefix(natsPrefix));
  const databases = PLATFORM_SERVICES.map((service) => `mutuo_bench_${service}_${suffix}`);
  const envs = PLATFORM_SERVICES.map((service, index) => {
    const database = databases[index]!;
    cleanup.defer(`drop database ${database}`, () => dropDatabase(TEST_POSTGRES_URL, database));
    const admin = new URL(TEST_POSTGRES_URL);
    admin.pathname = `/${database}`;
    const app = new URL(admin.toString());
    app.username = `mutuo_${service}_app`;
    app.password = '';
    return {
      ...base,
      ...(service === 'membership'
        ? { MEMBERSHIP_SIGNING_KEY: signingKeyPem, MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKey, MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex') }
        : {}),
      ...(service === 'notifications' ? { MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKey } : {}),
      PORT: String(ports[index]),
      DATABASE_ADMIN_URL: admin.toString(),
      DATABASE_URL: app.toString(),
    };
  });
  await Promise.all(PLATFORM_SERVICES.map((service) => ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${service}_app` })));
  await Promise.all(PLATFORM_SERVICES.map((service, index) => runBenchScriptToEnd(`${service} migrations`, entryPoint(service, 'migrate'), envs[index]!)));

  const processes: BenchChild[] = [];
  PLATFORM_SERVICES.forEach((service, index) => {
    const child = spawnBenchScript(service, entryPoint(service, 'main'), envs[index]!);
    processes.push(child);
    cleanup.defer(`stop ${service}`, () => stopChildProcess(child.process));
  });
  await Promise.all(processes.map((child, index) => waitUntilChildReady(child, `http://127.0.0.1:${ports[index]}/health/ready`, START_TIMEOUT_MS)));

  const gatewayPort = await freePort();
  const gateway = spawnBenchScript('gateway', BUILT ? 'dist/gateway/main.js' : 'gateway/src/main.ts', {
    ...base,
    ...UNLIMITED_CALLERS,
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    ...options.gatewayEnv,
    ...Object.fromEntries(PLATFORM_SERVICES.map((service, index) => [`SUBGRAPH_${service.toUpperCase()}_URL`, `http://127.0.0.1:${ports[index]}/graphql`])),
  });
  cleanup.defer('stop gateway', () => stopChildProcess(gateway.process));
  await waitUntilChildReady(gateway, `http://127.0.0.1:${gatewayPort}/health/ready`, START_TIMEOUT_MS);
  processes.push(gateway);
  return {
    processes,
    databases,
    natsPrefix,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
    subgraphUrls: Object.fromEntries(
      PLATFORM_SERVICES.map((service, index) => [service, `http://127.0.0.1:${ports[index]}/graphql`]),
    ) as BenchPlatform['subgraphUrls'],
    gatewaySecret: GATEWAY_SECRET,
    signing: { key: es256SigningKeyFromPem(signingKeyPem) },
  };
}
