import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen } from '@mutuo/testing';
import { waitFor } from './nats-fixtures';

/** A nats-server of our own, on a free port, started from a configuration file in a temp dir (with JetStream). */
export class ConfiguredNatsServer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    readonly log: () => string,
  ) {}

  /** `include` files are written next to the main configuration; `env` is the server's environment (passwords). */
  static async start(options: { readonly includes: Record<string, string>; readonly env: Record<string, string> }): Promise<ConfiguredNatsServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'mutuo-nats-conf-'));
    for (const [name, text] of Object.entries(options.includes)) writeFileSync(join(dir, name), text);
    const main = [
      `listen: "127.0.0.1:${port}"`,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }`,
      ...Object.keys(options.includes).map((name) => `include ${JSON.stringify(`./${name}`)}`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'nats-server.conf'), main);
    let output = '';
    const child = spawn('/usr/sbin/nats-server', ['-c', join(dir, 'nats-server.conf')], { env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const server = new ConfiguredNatsServer(port, dir, child, () => output);
    try {
      await waitFor(async () => child.exitCode === null && (await portOpen(port)), { timeoutMs: 15_000, what: `nats-server on port ${port}` });
    } catch (error) {
      await server.destroy();
      throw new Error(`nats-server did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`, { cause: error });
    }
    return server;
  }

  url(user: string, password: string): string {
    return `nats://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  async destroy(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
