import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, ensureAppRole, mintDevToken } from '@mutuo/platform';
import { TEST_POSTGRES_URL, answersOk, freePort, stopChildProcess, uniqueSuffix, waitFor } from '@mutuo/testing';

const ROOT = join(__dirname, '..', '..', '..');
const REGISTER = join(ROOT, 'infra', 'register.js');

export interface RunningServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly graphqlUrl: string;
  /** Superuser URL of its database, for the test to count rows. */
  readonly adminUrl: string;
  readonly output: string[];
}

/**
 * Services as separate processes (their `main.ts`, after their `migrate.ts`), each on a new database, all on one
 * NATS URL and prefix: a test or benchmark may not import two services' code, and a process per service is how they
 * run. Tokens are HS256 development tokens with a secret made for the run.
 */
export class ServiceProcesses {
  readonly suffix = uniqueSuffix();
  private readonly jwtSecret = `cluster-jwt-${randomBytes(24).toString('hex')}`;
  readonly gatewaySecret = `cluster-gateway-${randomBytes(16).toString('hex')}`;
  private readonly running: RunningServiceProcess[] = [];
  private readonly databases: string[] = [];

  constructor(private readonly common: { readonly natsUrl: string; readonly natsPrefix: string }) {}

  /** Migrates and starts one service; resolves once `/health/ready` answers. */
  async start(service: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServiceProcess> {
    const database = `mutuo_cluster_${service}_${this.suffix}`;
    this.databases.push(database);
    await ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${service}_app` });
    const admin = new URL(TEST_POSTGRES_URL);
    admin.pathname = `/${database}`;
    const app = new URL(admin.toString());
    app.username = `mutuo_${service}_app`;
    app.password = '';
    const port = await freePort();
    const serviceEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      REGION: 'cluster-test',
      DATABASE_ADMIN_URL: admin.toString(),
      DATABASE_URL: app.toString(),
      NATS_URL: this.common.natsUrl,
      NATS_PREFIX: this.common.natsPrefix,
      GATEWAY_SHARED_SECRET: this.gatewaySecret,
      JWT_SECRET: this.jwtSecret,
      ...env,
    };
    await runToEnd(`${service} migrations`, `services/${service}/src/migrate.ts`, serviceEnv);
    const output: string[] = [];
    const child = spawn(process.execPath, ['-r', REGISTER, `services/${service}/src/main.ts`], {
      cwd: ROOT,
      env: serviceEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 300) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const running = { name: service, child, graphqlUrl: `http://127.0.0.1:${port}/graphql`, adminUrl: admin.toString(), output };
    this.running.push(running);
    try {
      await waitFor(() => child.exitCode === null && answersOk(`http://127.0.0.1:${port}/health/ready`), {
        description: `${service} to be ready`,
        timeoutMs: 90_000,
        intervalMs: 250,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${service} output\n${output.slice(-30).join('')}`);
    }
    return running;
  }

  token(subject: string, podId: string): Promise<string> {
    return mintDevToken({ subject, podId, roles: ['member'] }, { secret: this.jwtSecret });
  }

  /** Posts to a service's subgraph as the gateway would; throws on HTTP or GraphQL errors. */
  async graphql<T>(service: RunningServiceProcess, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(service.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-mutuo-gateway-secret': this.gatewaySecret },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!response.ok || body.errors?.length || !body.data) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    return body.data;
  }

  /** The last lines a service printed, for failure messages. */
  logs(service: string): string {
    return (
      this.running
        .find((running) => running.name === service)
        ?.output.slice(-30)
        .join('') ?? ''
    );
  }

  /** Stops every service (SIGTERM, then SIGKILL after 15 s) and drops their databases. */
  async stop(): Promise<void> {
    await Promise.all(this.running.map(({ child }) => stopChildProcess(child)));
    await Promise.all(this.databases.map((name) => dropDatabase(TEST_POSTGRES_URL, name).catch(() => undefined)));
  }
}

function runToEnd(name: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', REGISTER, script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code}):\n${output}`))));
  });
}
