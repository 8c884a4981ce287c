import { Client, type ClientConfig } from 'pg';
import { APPEND_CHANNEL } from './append-notifications.sql';

export interface AppendListenerOptions {
  /** A connection string or pg client config for the listening connection (the service's database). */
  readonly connection: string | ClientConfig;
  /** Called after any instance's append commits, and after each (re)connect: what was missed meanwhile is looked for. */
  readonly onAppended: () => void;
  readonly onProblem?: (message: string) => void;
  /** Pause before reconnecting, doubling up to 30 s. Default 500 ms. */
  readonly reconnectMs?: number;
}

const MAX_RECONNECT_MS = 30_000;

/**
 * LISTENs to the append channel on a connection of its own, so an append by another instance of the service wakes this
 * one's relay and projections as fast as its own appends do, and they need not poll often. A lost connection is
 * reopened with growing pauses; the pollers' idle interval bounds how late an append is seen meanwhile.
 */
export class AppendListener {
  private client: Client | undefined;
  private stopped = true;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AppendListenerOptions) {}

  /** Whether notifications are arriving now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const base: ClientConfig = typeof this.options.connection === 'string' ? { connectionString: this.options.connection } : this.options.connection;
    const client = new Client({ application_name: 'mutuo-append-listener', keepAlive: true, connectionTimeoutMillis: 5_000, ...base });
    client.on('notification', (message) => {
      if (message.channel === APPEND_CHANNEL) this.options.onAppended();
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`listen ${APPEND_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.retry(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.options.onAppended();
  }

  private lost(client: Client, reason: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.retry(reason);
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    this.failures++;
    this.options.onProblem?.(`Append notifications stopped (${reason}); reconnecting`);
    const delayMs = Math.min((this.options.reconnectMs ?? 500) * 2 ** (this.failures - 1), MAX_RECONNECT_MS);
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
    this.reconnectTimer.unref?.();
  }
}
