import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { dropDatabase, ensureAppRole, es256SigningKeyFromPem, type DevTokenSigning } from '@mutuo/platform';
import { TEST_NATS_URL, TEST_POSTGRES_URL, answersOk, deleteStreamsWithPrefix, freePort, natsTestPrefix, uniqueSuffix, waitFor } from '@mutuo/testing';
import { gatewayData } from './walking-skeleton';

export const SERVICES = ['membership', 'requests', 'matching', 'funds', 'notifications'] as const;
const GATEWAY_SHARED_SECRET = randomBytes(24).toString('hex');
// Any UID works: the image's files are world-readable and nothing is written outside the /tmp tmpfs.
const CONTAINER_USER = '10001:10001';

/** The outcome of one podman command. */
interface PodmanResult {
  readonly code: number;
  readonly output: string;
}

export function podman(args: readonly string[]): Promise<PodmanResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function podmanOk(args: readonly string[], what: string): Promise<string> {
  const result = await podman(args);
  if (result.code !== 0) throw new Error(`${what} failed (podman exit ${result.code}):\n${result.output.slice(-4000)}`);
  return result.output;
}

/**
 * A region made of the images: migrations run as one-shot containers of each service image, then the five services
 * and the gateway as containers on the host network (each on its own port), read-only root, /tmp as tmpfs, an
 * arbitrary non-root UID, against the machine's PostgreSQL (fresh databases) and NATS (a fresh prefix).
 * Membership signs tokens with a key made for the run; the others verify against its JWKS, as the e2e harness does.
 */
export class ContainerRegion {
  readonly suffix = uniqueSuffix();
  readonly natsPrefix = natsTestPrefix();
  private readonly signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  /** Signs tokens as membership would, for the scenario's set-up (operators, members joining). */
  readonly signing: DevTokenSigning = { key: es256SigningKeyFromPem(this.signingKeyPem) };
  readonly containers: string[] = [];
  private readonly databases: string[] = [];
  gatewayUrl = '';

  /** Images are named `${imagePrefix}${project}${imageTag}`: localhost/mutuo-membership:dev. */
  constructor(
    private readonly imagePrefix: string,
    private readonly imageTag: string,
  ) {}

  async start(): Promise<void> {
    const ports = await Promise.all(SERVICES.map(() => freePort()));
    const membershipUrl = `http://127.0.0.1:${ports[0]}`;
    const codeDeliveryKey = randomBytes(32).toString('base64');
    const envs = SERVICES.map((service, index) => this.serviceEnv(service, ports[index]!, membershipUrl, codeDeliveryKey));
    await Promise.all(SERVICES.map((service) => ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${service}_app` })));

    // Migrations: the same image with another command, run to the end before any service starts.
    await Promise.all(
      SERVICES.map((service, index) =>
        podmanOk(
          ['run', '--rm', ...this.runFlags(envs[index]!), this.image(service), 'migrate.js'],
          `${service} migrations (${this.image(service)} migrate.js)`,
        ),
      ),
    );
    for (const [index, service] of SERVICES.entries()) await this.runDetached(service, envs[index]!);
    await Promise.all(SERVICES.map((service, index) => this.waitReady(service, ports[index]!)));

    const gatewayPort = await freePort();
    await this.runDetached('gateway', {
      ...this.baseEnv(membershipUrl),
      PORT: String(gatewayPort),
      ...Object.fromEntries(SERVICES.map((service, index) => [`SUBGRAPH_${service.toUpperCase()}_URL`, `http://127.0.0.1:${ports[index]}/graphql`])),
    });
    await this.waitReady('gateway', gatewayPort);
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  }

  /** Runs every container's HEALTHCHECK once (podman healthcheck run) and returns the ones that failed. */
  async unhealthy(): Promise<string[]> {
    const results = await Promise.all(this.containers.map(async (name) => ({ name, result: await podman(['healthcheck', 'run', name]) })));
    return results.filter(({ result }) => result.code !== 0).map(({ name, result }) => `${name}: ${result.output.trim() || `exit ${result.code}`}`);
  }

  /** The last lines each container printed, for a failure message. */
  async logs(): Promise<string> {
    const parts = await Promise.all(this.containers.map(async (name) => `--- ${name}\n${(await podman(['logs', '--tail', '30', name])).output}`));
    return parts.join('\n');
  }

  /** Removes the containers, the databases and the streams, whatever state the run ended in. */
  async stop(): Promise<void> {
    if (this.containers.length > 0) await podman(['rm', '--force', '--time', '10', ...this.containers]);
    await Promise.all(this.databases.map((name) => dropDatabase(TEST_POSTGRES_URL, name)));
    await deleteStreamsWithPrefix(this.natsPrefix);
  }

  /** Posts to the gateway; throws with the errors unless the query succeeded. */
  data<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return gatewayData<T>(this.gatewayUrl, token, query, variables);
  }

  private image(project: string): string {
    return `${this.imagePrefix}${project}${this.imageTag}`;
  }

  private runFlags(env: NodeJS.ProcessEnv): string[] {
    const envFlags = Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : ['--env', `${name}=${value}`]));
    return ['--runtime', 'runc', '--network', 'host', '--read-only', '--tmpfs', '/tmp', '--user', CONTAINER_USER, ...envFlags];
  }

  private async runDetached(project: string, env: NodeJS.ProcessEnv): Promise<void> {
    const name = `mutuo-it-${this.suffix}-${project}`;
    this.containers.push(name);
    await podmanOk(['run', '--detach', '--name', name, ...this.runFlags(env), this.image(project)], `starting ${name}`);
  }

  private async waitReady(project: string, port: number): Promise<void> {
    await waitFor(() => answersOk(`http://127.0.0.1:${port}/health/ready`), {
      description: `${project} (container) to be ready`,
      timeoutMs: 90_000,
      intervalMs: 250,
    });
  }

  private serviceEnv(service: string, port: number, membershipUrl: string, codeDeliveryKey: string): NodeJS.ProcessEnv {
    const database = `mutuo_img_${service}_${this.suffix}`;
    this.databases.push(database);
    const admin = new URL(TEST_POSTGRES_URL);
    admin.pathname = `/${database}`;
    const app = new URL(admin.toString());
    app.username = `mutuo_${service}_app`;
    app.password = '';
    return {
      ...this.baseEnv(membershipUrl),
      ...(service === 'membership'
        ? { MEMBERSHIP_SIGNING_KEY: this.signingKeyPem, MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKey, MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex') }
        : {}),
      ...(service === 'notifications' ? { MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKey } : {}),
      PORT: String(port),
      REGION: 'images',
      DATABASE_ADMIN_URL: admin.toString(),
      DATABASE_URL: app.toString(),
      NATS_URL: TEST_NATS_URL,
      NATS_PREFIX: this.natsPrefix,
    };
  }

  /**
   * NODE_ENV=test as in the e2e harness: production would refuse the JWKS over plain http and the password-less
   * test database; compose runs the images in production mode (infra/compose).
   */
  private baseEnv(membershipUrl: string): NodeJS.ProcessEnv {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_JWKS_URL: `${membershipUrl}/.well-known/jwks.json`,
      JWT_ALGORITHMS: 'ES256',
      GATEWAY_SHARED_SECRET,
    };
  }
}
