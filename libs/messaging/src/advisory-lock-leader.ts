import { createHash } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { errorMessage } from './logger';

/** A stable 64-bit advisory-lock key from a name, so unrelated locks in one database do not collide. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

export interface AdvisoryLockLeaderOptions {
  /** A connection string or pg client config for the dedicated lock connection. */
  readonly connection: string | ClientConfig;
  readonly lockName: string;
  /** How often the lock connection is pinged while leading, to notice a dead connection. Default 5 s. */
  readonly heartbeatMs?: number;
  readonly onLost?: (reason: string) => void;
}

/**
 * Leadership through a session-level `pg_try_advisory_lock` on a connection of its own: PostgreSQL
 * releases the lock when that session ends, so a crashed leader frees it without any timeout. When the
 * connection fails, leadership is given up at once and `tryAcquire` reconnects.
 */
export class AdvisoryLockLeader {
  private client: Client | undefined;
  private leading = false;
  private lastCheck = 0;
  private readonly key: string;
  private readonly heartbeatMs: number;

  constructor(private readonly options: AdvisoryLockLeaderOptions) {
    this.key = advisoryLockKey(options.lockName);
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries to become (or confirms still being) the leader; never throws. */
  async tryAcquire(): Promise<boolean> {
    try {
      if (this.leading) return await this.confirm();
      const client = await this.connection();
      const result = await client.query<{ acquired: boolean }>('select pg_try_advisory_lock($1::bigint) as acquired', [this.key]);
      this.leading = result.rows[0]?.acquired === true;
      this.lastCheck = Date.now();
      return this.leading;
    } catch (error) {
      this.drop(`lock connection failed: ${errorMessage(error)}`);
      return false;
    }
  }

  /** Releases the lock and closes the connection. */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const wasLeading = this.leading;
    this.leading = false;
    if (!client) return;
    try {
      if (wasLeading) await client.query('select pg_advisory_unlock($1::bigint)', [this.key]);
    } catch {
      // Closing the session releases it anyway.
    }
    await client.end().catch(() => undefined);
  }

  /** Pings the lock connection at most every heartbeat interval. */
  private async confirm(): Promise<boolean> {
    if (Date.now() - this.lastCheck < this.heartbeatMs) return true;
    await this.client!.query('select 1');
    this.lastCheck = Date.now();
    return this.leading;
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    const base: ClientConfig = typeof this.options.connection === 'string' ? { connectionString: this.options.connection } : this.options.connection;
    const client = new Client({
      application_name: `mutuo-leader:${this.options.lockName}`,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      ...base,
    });
    client.on('error', (error) => this.drop(`lock connection error: ${errorMessage(error)}`, client));
    client.on('end', () => this.drop('lock connection ended', client));
    this.client = client;
    try {
      await client.connect();
    } catch (error) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private drop(reason: string, client: Client | undefined = this.client): void {
    if (client !== this.client) return;
    const wasLeading = this.leading;
    this.leading = false;
    this.client = undefined;
    client?.end().catch(() => undefined);
    if (wasLeading) this.options.onLost?.(reason);
  }
}
