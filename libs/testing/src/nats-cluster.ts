import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import { freePort } from './processes';
import { uniqueSuffix } from './unique-suffix';
import { waitFor } from './wait-for';

/** The Debian package's server; override with MUTUO_NATS_SERVER. */
export const NATS_SERVER_BINARY = process.env.MUTUO_NATS_SERVER ?? '/usr/sbin/nats-server';

export interface NatsClusterOptions {
  /** Number of servers; 3 unless given (JetStream needs a majority: 3 survive one loss, 5 survive two). */
  readonly size?: number;
  /** How long a (re)started node may take to report healthy; 60 s unless given (the machine is shared). */
  readonly readyTimeoutMs?: number;
}

export interface NatsClusterNode {
  /** The server name (`-n`): what stream and consumer infos report as leader and replicas. */
  readonly name: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  /** `nats://127.0.0.1:<clientPort>` */
  readonly url: string;
  readonly storeDir: string;
  readonly running: boolean;
}

interface NodeState extends NatsClusterNode {
  process: ChildProcess | undefined;
  running: boolean;
  readonly output: string[];
}

/** Running clusters, killed synchronously should the test process exit without stopping them. */
const LIVE = new Set<NatsCluster>();
process.once('exit', () => LIVE.forEach((cluster) => cluster.killAllNow()));

/**
 * A real JetStream cluster of `nats-server` processes on free local ports, each with its own store directory in a
 * temp dir, for tests and benchmarks that need a node to die: `kill(name)` sends SIGKILL, `restart(name)` starts
 * it again on the same ports and store. `stop()` kills every node and removes the temp dir, also after a failure.
 */
export class NatsCluster {
  /** Every node's client URL, comma-separated, as NATS_URL takes it. */
  readonly url: string;

  private constructor(
    readonly clusterName: string,
    private readonly root: string,
    private readonly nodes: NodeState[],
    private readonly readyTimeoutMs: number,
  ) {
    this.url = nodes.map((node) => node.url).join(',');
  }

  /** Starts every node and resolves once each reports healthy (JetStream meta leader elected, assets current). */
  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const size = options.size ?? 3;
    if (!Number.isInteger(size) || size < 1 || size > 7) throw new Error(`NATS cluster size must be an integer from 1 to 7 (got ${size})`);
    if (!existsSync(NATS_SERVER_BINARY)) throw new Error(`nats-server not found at ${NATS_SERVER_BINARY} (set MUTUO_NATS_SERVER)`);
    const clusterName = `mutuo-test-${uniqueSuffix()}`;
    const root = mkdtempSync(join(tmpdir(), 'mutuo-nats-cluster-'));
    const nodes: NodeState[] = [];
    for (let index = 0; index < size; index++) {
      const [clientPort, clusterPort, monitorPort] = [await freePort(), await freePort(), await freePort()];
      nodes.push({
        name: `n${index + 1}`,
        clientPort,
        clusterPort,
        monitorPort,
        url: `nats://127.0.0.1:${clientPort}`,
        storeDir: join(root, `n${index + 1}`),
        process: undefined,
        running: false,
        output: [],
      });
    }
    const cluster = new NatsCluster(clusterName, root, nodes, options.readyTimeoutMs ?? 60_000);
    LIVE.add(cluster);
    try {
      for (const node of nodes) cluster.spawnNode(node);
      await Promise.all(nodes.map((node) => cluster.waitHealthy(node)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get nodeList(): readonly NatsClusterNode[] {
    return this.nodes;
  }

  node(name: string): NatsClusterNode {
    return this.state(name);
  }

  /** SIGKILLs the node (no goodbye to its peers or clients) and resolves once the process is gone. */
  async kill(name: string): Promise<void> {
    const node = this.state(name);
    const child = node.process;
    if (!child || !node.running) throw new Error(`NATS node ${name} is not running`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Starts a killed node again with the same ports and store directory; resolves once its JetStream is up and it
   * follows the meta leader. Its streams and consumers catch up after that: wait for the groups a caller cares
   * about with `raftGroupWhole` (the full health check would wait for every asset, some of which may lag long).
   */
  async restart(name: string): Promise<void> {
    const node = this.state(name);
    if (node.running) throw new Error(`NATS node ${name} is still running`);
    this.spawnNode(node);
    await this.waitHealthy(node, '?js-server-only=true');
  }

  /** Which server leads a stream's Raft group now (asked through any live node). */
  async streamLeader(jsm: JetStreamManager, stream: string): Promise<string | undefined> {
    return (await jsm.streams.info(stream)).cluster?.leader;
  }

  async consumerLeader(jsm: JetStreamManager, stream: string, durable: string): Promise<string | undefined> {
    return (await jsm.consumers.info(stream, durable)).cluster?.leader;
  }

  /** The JetStream meta leader (stream and consumer placement, the API), from a live node's monitoring endpoint. */
  async metaLeader(): Promise<string | undefined> {
    const live = this.nodes.find((node) => node.running);
    if (!live) return undefined;
    const response = await fetch(`http://127.0.0.1:${live.monitorPort}/jsz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { meta_cluster?: { leader?: string } };
    return body.meta_cluster?.leader;
  }

  /** The last lines a node printed, for failure messages. */
  logs(name: string): string {
    return this.state(name).output.slice(-40).join('');
  }

  /** Kills every node that runs, waits for them to exit and removes the store directories. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        if (node.running) await this.kill(node.name);
      }),
    );
    LIVE.delete(this);
    rmSync(this.root, { recursive: true, force: true });
  }

  /** For the process exit hook only: no waiting possible there. */
  killAllNow(): void {
    for (const node of this.nodes) if (node.running) node.process?.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }

  private state(name: string): NodeState {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`No NATS node named ${name} (nodes: ${this.nodes.map((candidate) => candidate.name).join(', ')})`);
    return node;
  }

  private spawnNode(node: NodeState): void {
    const routes = this.nodes.filter((other) => other !== node).map((other) => `nats://127.0.0.1:${other.clusterPort}`);
    const args = [
      ...['-a', '127.0.0.1', '-p', String(node.clientPort), '-m', String(node.monitorPort)],
      ...['-n', node.name, '-js', '-sd', node.storeDir],
      // One node is a plain server: JetStream refuses a cluster without routes.
      ...(routes.length > 0 ? ['--cluster_name', this.clusterName, '--cluster', `nats://127.0.0.1:${node.clusterPort}`, '--routes', routes.join(',')] : []),
    ];
    const child = spawn(NATS_SERVER_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      node.output.push(chunk.toString());
      if (node.output.length > 200) node.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    node.process = child;
    node.running = true;
    child.once('exit', () => {
      node.running = false;
    });
  }

  /** Healthy: the server answers `/healthz`, which in a cluster waits for the meta leader and for its streams to be current. */
  private async waitHealthy(node: NodeState, query = ''): Promise<void> {
    try {
      await waitFor(
        async () => {
          // An exited server ends the wait at once (the error below says so).
          if (!node.running) return true;
          const response = await fetch(`http://127.0.0.1:${node.monitorPort}/healthz${query}`, { signal: AbortSignal.timeout(2_000) });
          return response.ok;
        },
        { description: `NATS node ${node.name} to be healthy`, timeoutMs: this.readyTimeoutMs, intervalMs: 100 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${node.name} output\n${this.logs(node.name)}`);
    }
    if (!node.running) throw new Error(`nats-server ${node.name} exited while starting\n--- its output\n${this.logs(node.name)}`);
  }
}

/** Whether a stream (or consumer) info shows a leader and every replica current: the Raft group is whole. */
export function raftGroupWhole(info: { cluster?: { leader?: string; replicas?: { current: boolean }[] } }, replicas: number): boolean {
  const followers = info.cluster?.replicas ?? [];
  return Boolean(info.cluster?.leader) && followers.length === replicas - 1 && followers.every((replica) => replica.current);
}
