import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { openSignInCodeDelivery, SignInCodeRequestedV1, type SignInCodeDelivery } from '@mutuo/contracts';
import { eventTypeFilter, parseCloudEvent } from '@mutuo/messaging';
import { dropDatabase, ensureAppRole, es256SigningKeyFromPem, mintDevToken, type DevTokenSigning, type Es256SigningKey } from '@mutuo/platform';
import {
  TEST_NATS_URL,
  TEST_POSTGRES_URL,
  answersOk,
  deleteStreamsWithPrefix,
  freePort,
  natsTestPrefix,
  stopChildProcess,
  uniqueSuffix,
  waitFor,
} from '@mutuo/testing';

const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'infra', 'register.js');
const DIST = join(ROOT, 'dist');
export const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'] as const;

/**
 * What the harness runs: the TypeScript sources through swc (`infra/register.js`), or the output of `npm run build`
 * with plain node, as an image does (dist/services/<name>/{migrate,main}.js, dist/gateway/main.js).
 */
export type PlatformEntryPoints = 'sources' | 'built';

interface Program {
  readonly args: readonly string[];
  readonly cwd: string;
}

/** How to run one program (`main` or `migrate` of a service, `main` of the gateway) from the chosen entry points. */
function programOf(entryPoints: PlatformEntryPoints, project: string, entry: 'main' | 'migrate'): Program {
  const source = project === 'gateway' ? `gateway/src/${entry}.ts` : `services/${project}/src/${entry}.ts`;
  if (entryPoints === 'sources') return { args: ['-r', REGISTER, source], cwd: ROOT };
  const built = join(DIST, project === 'gateway' ? 'gateway' : `services/${project}`, `${entry}.js`);
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
  // Not the repository: the built code must find its files (schema.graphql, the supergraph) beside itself.
  return { args: [built], cwd: DIST };
}
const GATEWAY_SHARED_SECRET = 'e2e-gateway-secret-0123456789abcdef0123';

export interface GatewayResult<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } }[];
  /** The HTTP status the gateway answered with. */
  status: number;
}

interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: string[];
}

/**
 * The whole platform as separate processes, each service on its own new database, sharing one NATS prefix.
 * Membership signs tokens (ES256, with a key made for the run) and every other service and the gateway verify them
 * against its JWKS, as in production. Codes membership sends are read as notifications will: from the published
 * events, opened with the shared delivery key.
 */
export class PlatformHarness {
  readonly suffix = uniqueSuffix();
  readonly natsPrefix = natsTestPrefix();
  private readonly signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  private readonly signingKey: Es256SigningKey = es256SigningKeyFromPem(this.signingKeyPem);
  private readonly codeDeliveryKey = randomBytes(32);
  /**
   * Signs tokens with membership's key, for the set-up steps sign-in does not cover (operators, joining a pod):
   * `mintDevToken(claims, platform.signing)`.
   */
  readonly signing: DevTokenSigning = { key: this.signingKey };
  gatewayUrl = '';
  membershipUrl = '';
  /** Each service's own GraphQL URL, for proving that it refuses callers other than the gateway. */
  readonly serviceUrls: Record<string, string> = {};
  private readonly processes: RunningProcess[] = [];
  private readonly databases: string[] = [];
  private readonly codes: SignInCodeDelivery[] = [];
  private nats: NatsConnection | undefined;

  /**
   * `serviceEnv` adds variables to one service's environment (an SMTP sink for notifications, say); `env` adds them to
   * every service's and the gateway's (an OpenTelemetry collector, say); `readyTimeoutMs` is how long each process
   * may take to become ready (150 s unless given: a loaded 2-core machine is slow to start six processes).
   */
  constructor(
    private readonly options: {
      readonly serviceEnv?: Partial<Record<(typeof SERVICES)[number], NodeJS.ProcessEnv>>;
      readonly env?: NodeJS.ProcessEnv;
      readonly readyTimeoutMs?: number;
      /** Sources unless told otherwise. */
      readonly entryPoints?: PlatformEntryPoints;
    } = {},
  ) {}

  /**
   * Starts every service and the gateway. A failed start shows the last lines each process printed, so a suite's
   * set-up failure explains itself.
   */
  async start(): Promise<void> {
    try {
      await this.startProcesses();
    } catch (error) {
      const logs = this.processes.map((running) => `--- ${running.name}\n${this.logs(running.name)}`).join('\n');
      throw new Error(`${(error as Error).message}\n${logs}`);
    }
  }

  private async startProcesses(): Promise<void> {
    const ports = await Promise.all(SERVICES.map(() => freePort()));
    this.membershipUrl = `http://127.0.0.1:${ports[SERVICES.indexOf('membership')]}`;
    const envs = SERVICES.map((service, index) => this.serviceEnv(service, ports[index]!));
    await this.listenForCodes();
    SERVICES.forEach((service, index) => (this.serviceUrls[service] = `http://127.0.0.1:${ports[index]}/graphql`));
    await Promise.all(SERVICES.map((service) => ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${service}_app` })));
    await Promise.all(SERVICES.map((service, index) => this.runToEnd(`${service} migrations`, this.program(service, 'migrate'), envs[index]!)));
    SERVICES.forEach((service, index) => this.spawn(service, this.program(service, 'main'), envs[index]!));
    await Promise.all(
      SERVICES.map((service, index) =>
        waitFor(() => answersOk(`http://127.0.0.1:${ports[index]}/health/ready`), {
          description: `${service} to be ready`,
          timeoutMs: this.options.readyTimeoutMs ?? 150_000,
          intervalMs: 250,
        }),
      ),
    );

    const gatewayPort = await freePort();
    this.spawn('gateway', this.program('gateway', 'main'), {
      ...this.baseEnv(),
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      // The suites poll as one caller every 100 ms, faster than the production quota allows a person.
      RATE_LIMIT_PER_MINUTE: '6000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '6000',
      ...Object.fromEntries(SERVICES.map((service) => [`SUBGRAPH_${service.toUpperCase()}_URL`, this.serviceUrls[service]])),
    });
    await waitFor(() => answersOk(`http://127.0.0.1:${gatewayPort}/health/ready`), {
      description: 'the gateway to be ready',
      timeoutMs: this.options.readyTimeoutMs ?? 150_000,
      intervalMs: 250,
    });
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map(({ child }) => stopChildProcess(child)));
    await this.nats?.close();
    await Promise.all(this.databases.map((name) => dropDatabase(TEST_POSTGRES_URL, name)));
    await deleteStreamsWithPrefix(this.natsPrefix);
  }

  /** A token as membership would issue it. */
  token(subject: string, podId: string | undefined, roles: string[], regionId?: string): Promise<string> {
    return mintDevToken({ subject, podId, regionId, roles }, this.signing);
  }

  /** Posts to the gateway, as a signed-in caller or (with `null`) anonymously. */
  readonly graphql = async <T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GatewayResult<T>> => {
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<GatewayResult<T>, 'status'>) };
  };

  /** The data of a query that must succeed; throws with the errors otherwise. */
  readonly data = async <T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const result = await this.graphql<T>(token, query, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
    return result.data;
  };

  /** How many codes were delivered so far: pass it to `codeFor` to wait for the next one. */
  deliveredCodes(): number {
    return this.codes.length;
  }

  /** The latest code delivered to the address after the `since`-th delivery. */
  codeFor(address: string, since: number): Promise<string> {
    return waitFor(
      () =>
        this.codes
          .slice(since)
          .filter((delivery) => delivery.to === address)
          .at(-1)?.code,
      {
        description: `a code for ${address}`,
        timeoutMs: 15_000,
        intervalMs: 50,
      },
    );
  }

  /** The last lines a process printed, for failure messages. */
  logs(name: string): string {
    return (
      this.processes
        .find((p) => p.name === name)
        ?.output.slice(-30)
        .join('') ?? ''
    );
  }

  private serviceEnv(service: string, port: number): NodeJS.ProcessEnv {
    const database = `mutuo_e2e_${service}_${this.suffix}`;
    this.databases.push(database);
    const admin = new URL(TEST_POSTGRES_URL);
    admin.pathname = `/${database}`;
    const app = new URL(admin.toString());
    app.username = `mutuo_${service}_app`;
    app.password = '';
    return {
      ...this.baseEnv(),
      ...(service === 'membership'
        ? {
            MEMBERSHIP_SIGNING_KEY: this.signingKeyPem,
            MEMBERSHIP_CODE_DELIVERY_KEY: this.codeDeliveryKey.toString('base64'),
            MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex'),
          }
        : {}),
      // Notifications opens the codes and contacts membership seals, with the same key.
      ...(service === 'notifications' ? { MEMBERSHIP_CODE_DELIVERY_KEY: this.codeDeliveryKey.toString('base64') } : {}),
      ...this.options.serviceEnv?.[service as (typeof SERVICES)[number]],
      PORT: String(port),
      HOST: '127.0.0.1',
      REGION: 'e2e',
      DATABASE_ADMIN_URL: admin.toString(),
      DATABASE_URL: app.toString(),
      NATS_PREFIX: this.natsPrefix,
    };
  }

  /** Every service and the gateway verify tokens against membership's JWKS, fetched when first needed. */
  private baseEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_JWKS_URL: `${this.membershipUrl}/.well-known/jwks.json`,
      JWT_ALGORITHMS: 'ES256',
      GATEWAY_SHARED_SECRET,
      ...this.options.env,
    };
  }

  private async listenForCodes(): Promise<void> {
    this.nats = await connect({ servers: TEST_NATS_URL, name: 'e2e-code-delivery' });
    const subscription = this.nats.subscribe(eventTypeFilter(this.natsPrefix, SignInCodeRequestedV1.type));
    void (async () => {
      for await (const message of subscription) {
        const parsed = parseCloudEvent(message.data);
        if (parsed.ok) this.codes.push(openSignInCodeDelivery(this.codeDeliveryKey, SignInCodeRequestedV1.assert(parsed.event.data)));
      }
    })();
  }

  private program(project: string, entry: 'main' | 'migrate'): Program {
    return programOf(this.options.entryPoints ?? 'sources', project, entry);
  }

  private spawn(name: string, program: Program, env: NodeJS.ProcessEnv): void {
    const child = spawn(process.execPath, program.args, { cwd: program.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const keep = (chunk: Buffer) => output.push(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.processes.push({ name, child, output });
  }

  private runToEnd(name: string, program: Program, env: NodeJS.ProcessEnv): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, program.args, { cwd: program.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code}):\n${output}`))));
    });
  }
}
