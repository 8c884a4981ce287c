import { connect, type NatsConnection, type NodeConnectionOptions, type Status } from '@nats-io/transport-node';

export type NatsConnectOptions = Omit<NodeConnectionOptions, 'servers' | 'name'>;

/**
 * Connects for a long-running service: reconnects forever (an outage must never close the
 * connection and lose the consumers), and when NATS is not up yet at boot, keeps trying
 * instead of failing the start.
 */
export async function connectNats(url: string, name: string, options: NatsConnectOptions = {}): Promise<NatsConnection> {
  const { servers, credentials } = natsServers(url);
  if (servers.length === 0) throw new Error('NATS url is empty: expected e.g. nats://127.0.0.1:4222');
  if (name.trim().length === 0) throw new Error('NATS connection name must not be empty');
  return connect({
    servers,
    name,
    ...credentials,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 1_000,
    reconnectJitter: 500,
    // Detects a dead server in about a minute instead of the default six.
    pingInterval: 20_000,
    maxPingOut: 3,
    timeout: 5_000,
    ...options,
  });
}

/**
 * Splits `nats://user:password@host:4222,nats://host2:4222` into servers and the credentials the client sends: the
 * client ignores credentials inside server URLs, so they are passed as options (a user without password is a token).
 */
export function natsServers(url: string): { servers: string[]; credentials: { user?: string; pass?: string; token?: string } } {
  let credentials: { user?: string; pass?: string; token?: string } = {};
  const servers = url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server.length > 0)
    .map((server) => {
      const match = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(server);
      if (!match) return server;
      const [, scheme, userInfo = '', rest] = match;
      const [user = '', ...password] = userInfo.split(':');
      const found = password.length ? { user: decodeURIComponent(user), pass: decodeURIComponent(password.join(':')) } : { token: decodeURIComponent(user) };
      if (Object.keys(credentials).length && JSON.stringify(credentials) !== JSON.stringify(found)) {
        throw new Error('NATS url lists servers with different credentials: use the same user for every server');
      }
      credentials = found;
      return `${scheme}${rest}`;
    });
  return { servers, credentials };
}

export interface NatsHealthReport {
  readonly status: 'up' | 'down';
  readonly server?: string;
  readonly rttMs?: number;
  readonly error?: string;
  readonly reconnects: number;
  readonly lastDisconnectAt?: string;
}

type StatusIterator = AsyncIterable<Status> & { stop?: () => void };

/**
 * Follows a connection's status events, so callers can ask "are we connected?" without a round trip,
 * and `check()` proves it with one for health endpoints.
 */
export class NatsHealth {
  private isConnected: boolean;
  private reconnectCount = 0;
  private lastDisconnect: Date | undefined;
  private lastProblem: string | undefined;
  private readonly listeners = new Set<(connected: boolean) => void>();
  private readonly statusIterator: StatusIterator;

  constructor(private readonly nc: NatsConnection) {
    this.isConnected = !nc.isClosed();
    this.statusIterator = nc.status() as StatusIterator;
    void this.follow();
  }

  get connected(): boolean {
    return this.isConnected && !this.nc.isClosed();
  }

  get lastError(): string | undefined {
    return this.lastProblem;
  }

  /** Called with `true` on reconnect and `false` on disconnect or close; returns an unsubscribe function. */
  onChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async check(timeoutMs = 2_000): Promise<NatsHealthReport> {
    const base = {
      reconnects: this.reconnectCount,
      ...(this.lastDisconnect ? { lastDisconnectAt: this.lastDisconnect.toISOString() } : {}),
    };
    if (!this.connected) return { ...base, status: 'down', error: this.nc.isClosed() ? 'connection closed' : 'disconnected' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const rttMs = await Promise.race([
        this.nc.rtt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no reply to ping within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ...base, status: 'up', server: this.nc.getServer(), rttMs };
    } catch (error) {
      return { ...base, status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops following the connection (the connection itself stays open). */
  dispose(): void {
    this.statusIterator.stop?.();
    this.listeners.clear();
  }

  private async follow(): Promise<void> {
    try {
      for await (const status of this.statusIterator) {
        switch (status.type) {
          case 'disconnect':
            this.lastDisconnect = new Date();
            this.setConnected(false);
            break;
          case 'reconnect':
            this.reconnectCount++;
            this.setConnected(true);
            break;
          case 'error':
            this.lastProblem = status.error?.message ?? 'server error';
            break;
          case 'close':
            this.setConnected(false);
            break;
          default:
            break;
        }
      }
    } catch (error) {
      this.lastProblem = error instanceof Error ? error.message : String(error);
    }
    this.setConnected(false);
  }

  private setConnected(connected: boolean): void {
    if (connected === this.isConnected) return;
    this.isConnected = connected;
    for (const listener of this.listeners) listener(connected);
  }
}
