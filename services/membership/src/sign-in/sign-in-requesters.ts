import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import { KeyedHashes } from './keyed-hashes';

/** Every caller not known for an address shares one budget for it (and one counter of wrong guesses per code). */
export const ANY_REQUESTER = 'anyone';

/** Who asks for (or presents) an address's code, as far as budgets go. */
export interface Requester {
  /** `ip:<keyed hash>` for a client IP that signed in with the address before; ANY_REQUESTER otherwise. */
  readonly key: string;
  readonly known: boolean;
}

/**
 * The requesters each address signed in from: keyed hashes of client IPs, remembered at every successful sign-in
 * or e-mail verification. A known requester gets budgets of its own for the address, so strangers who use up the
 * shared one (or lock the codes they asked for) cannot keep the owner from signing in where they did before.
 */
@Injectable()
export class SignInRequesters {
  constructor(
    private readonly em: EntityManager,
    private readonly hashes: KeyedHashes,
  ) {}

  async of(addressHash: Buffer, ctx: RequestContext): Promise<Requester> {
    const key = this.keyOf(ctx);
    // Looked up for every address, known to anybody or not, so no path does less work than another.
    const rows = await query(this.em.fork(), 'select 1 from sign_in_known_requesters where address_hash = ? and requester = ?', [
      addressHash,
      key ?? ANY_REQUESTER,
    ]);
    return key !== null && rows.length > 0 ? { key, known: true } : { key: ANY_REQUESTER, known: false };
  }

  /** After a successful sign-in or verification: this client IP has shown it reads the address's mail. */
  async remember(tx: EntityManager, addressHash: Buffer, ctx: RequestContext, now: Date): Promise<void> {
    const key = this.keyOf(ctx);
    if (key === null) return;
    await query(
      tx,
      `insert into sign_in_known_requesters (address_hash, requester, last_signed_in_at) values (?, ?, ?)
       on conflict (address_hash, requester) do update set last_signed_in_at = excluded.last_signed_in_at`,
      [addressHash, key, now.toISOString()],
    );
  }

  /** Null without a client IP (the gateway always forwards one): such a caller is never known. */
  private keyOf(ctx: RequestContext): string | null {
    return ctx.clientIp ? `ip:${this.hashes.clientIp(ctx.clientIp)}` : null;
  }
}
