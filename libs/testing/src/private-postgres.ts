import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);

/** Where initdb and pg_ctl live; override with MUTUO_TEST_PG_BIN. */
const PG_BIN = process.env.MUTUO_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: then the cluster belongs to this user. */
const UNPRIVILEGED_USER = 'postgres';

/**
 * A PostgreSQL cluster of the test's own, on a free port, to stop and start under a service (an outage, a
 * failover) without touching the shared server that other tests use. Superuser `postgres`, trust authentication,
 * listening on 127.0.0.1 only; durability is off (fsync) since nothing in it outlives the test.
 */
export class PrivatePostgres {
  private running = false;

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  /** Creates the cluster (initdb) and starts it. */
  static async start(): Promise<PrivatePostgres> {
    for (const tool of ['initdb', 'pg_ctl']) {
      if (!existsSync(join(PG_BIN, tool))) throw new Error(`${join(PG_BIN, tool)} not found: install PostgreSQL 15 or set MUTUO_TEST_PG_BIN`);
    }
    const root = mkdtempSync(join(tmpdir(), 'mutuo-pg-'));
    const dataDir = join(root, 'data');
    const owner = await clusterOwner();
    if (owner) chownSync(root, owner.uid, owner.gid);
    const cluster = new PrivatePostgres(dataDir, await freePort());
    try {
      await cluster.pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
      await cluster.restart();
    } catch (error) {
      await cluster.destroy().catch(() => undefined);
      throw error;
    }
    return cluster;
  }

  /** As the superuser, on `database`. */
  url(database = 'postgres', user = 'postgres'): string {
    return `postgres://${encodeURIComponent(user)}@127.0.0.1:${this.port}/${encodeURIComponent(database)}`;
  }

  /** The cluster's files: data, socket and server log. */
  get directory(): string {
    return join(this.dataDir, '..');
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the server (again) on the same port and data, waiting until it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('The private PostgreSQL cluster is already running');
    const options = [
      `-p ${this.port}`,
      `-k ${this.socketDir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=60',
    ].join(' ');
    try {
      await this.pgTool('pg_ctl', ['start', '-D', this.dataDir, '-w', '-t', '60', '-l', this.logFile, '-o', options]);
    } catch (error) {
      throw new Error(`The private PostgreSQL cluster did not start: ${(error as Error).message}\n${this.logTail()}`, { cause: error });
    }
    this.running = true;
  }

  /** Stops the server the way a failover does: open connections are terminated, new ones refused. */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.pgTool('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60']);
    this.running = false;
  }

  /** Stops the server and removes its files. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.directory, { recursive: true, force: true });
  }

  private get socketDir(): string {
    return this.directory;
  }

  private get logFile(): string {
    return join(this.directory, 'postgres.log');
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  private async pgTool(tool: string, args: string[]): Promise<void> {
    const command = join(PG_BIN, tool);
    const asRoot = process.getuid?.() === 0;
    // Without a log file pg_ctl's server would hold our stdout open; with one, execFile returns once pg_ctl exits.
    await run(asRoot ? 'runuser' : command, asRoot ? ['-u', UNPRIVILEGED_USER, '--', command, ...args] : args, {
      cwd: tmpdir(),
      timeout: 90_000,
    });
  }
}

/** The user that must own the cluster's files: `postgres` when running as root, nobody in particular otherwise. */
async function clusterOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', UNPRIVILEGED_USER]), run('id', ['-g', UNPRIVILEGED_USER])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
