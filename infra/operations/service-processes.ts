import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, ensureAppRole } from '@mutuo/platform';
import { TEST_POSTGRES_URL, answersOk, deleteStreamsWithPrefix, freePort, natsTestPrefix, stopChildProcess, uniqueSuffix, waitFor } from '@mutuo/testing';

export const REPOSITORY_ROOT = join(__dirname, '..', '..');
/** Compiling a service's TypeScript at load on a loaded machine can take minutes. */
const START_TIMEOUT_MS = 240_000;

/** A tree of the repository to run a service from: this checkout, or an older commit exported beside it. */
export interface Version {
  readonly label: string;
  readonly root: string;
}

export const CURRENT_VERSION: Version = { label: 'N (this checkout)', root: REPOSITORY_ROOT };

/**
 * One service's processes as an operator runs them (migrations as their own step, then replicas), from any version
 * of the code, all on one database `mutuo_ops_<service>_<suffix>` and one NATS prefix, which `cleanup` removes.
 */
export class ServiceProcesses {
  readonly prefix = natsTestPrefix();
  readonly database: string;
  /** Superuser URL of the service's database. */
  readonly adminUrl: string;
  private readonly appUrl: string;
  private readonly secrets = { JWT_SECRET: randomBytes(32).toString('hex'), GATEWAY_SHARED_SECRET: randomBytes(24).toString('hex') };
  private readonly running: ChildProcess[] = [];
  private readonly output = new Map<ChildProcess, string[]>();

  constructor(
    readonly service: string,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.database = `mutuo_ops_${service}_${uniqueSuffix()}`;
    const admin = new URL(TEST_POSTGRES_URL);
    admin.pathname = `/${this.database}`;
    this.adminUrl = admin.toString();
    const app = new URL(this.adminUrl);
    app.username = `mutuo_${service}_app`;
    app.password = '';
    this.appUrl = app.toString();
  }

  get gatewaySecret(): string {
    return this.secrets.GATEWAY_SHARED_SECRET;
  }

  get jwtSecret(): string {
    return this.secrets.JWT_SECRET;
  }

  async migrate(version: Version): Promise<void> {
    await ensureAppRole({ adminUrl: TEST_POSTGRES_URL, role: `mutuo_${this.service}_app` });
    const child = this.launch(version, `services/${this.service}/src/migrate.ts`, 0);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`${version.label} migrations failed (exit ${code}):\n${this.logs(child)}`);
  }

  /** Starts one replica and waits until it is ready; its base URL and process. */
  async start(version: Version): Promise<{ readonly url: string; readonly process: ChildProcess }> {
    const port = await freePort();
    const child = this.launch(version, `services/${this.service}/src/main.ts`, port);
    this.running.push(child);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => answersOk(`${url}/health/ready`), {
        description: `${this.service} ${version.label} to be ready`,
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 250,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.logs(child)}`);
    }
    return { url, process: child };
  }

  /** Stops a replica as Kubernetes does (SIGTERM, then SIGKILL after a grace period). */
  stop(child: ChildProcess): Promise<void> {
    return stopChildProcess(child);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.running.map((child) => stopChildProcess(child)));
    await dropDatabase(TEST_POSTGRES_URL, this.database);
    await deleteStreamsWithPrefix(this.prefix);
  }

  private launch(version: Version, script: string, port: number): ChildProcess {
    const child = spawn(process.execPath, ['-r', join(version.root, 'infra', 'register.js'), script], {
      cwd: version.root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        JWT_ALGORITHMS: 'HS256',
        REGION: 'ops',
        ...this.secrets,
        ...this.extraEnv,
        PORT: String(port),
        DATABASE_ADMIN_URL: this.adminUrl,
        DATABASE_URL: this.appUrl,
        NATS_PREFIX: this.prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    this.output.set(child, lines);
    const keep = (chunk: Buffer) => {
      lines.push(chunk.toString());
      if (lines.length > 200) lines.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return child;
  }

  private logs(child: ChildProcess): string {
    return (this.output.get(child) ?? []).slice(-30).join('');
  }
}
