import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { judgeRefresh, refreshTokenExpiry, type RefreshRefusal } from '../../domain/refresh-session';
import { sha256 } from '../keyed-hashes';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../../shared/membership-auth.config';

/** Refresh tokens are opaque: a recognisable prefix (for secret scanners) and 256 random bits. */
const REFRESH_TOKEN = /^mrt_[A-Za-z0-9_-]{43}$/;

export type SessionEndReason = 'signed-out' | 'refresh-token-reused' | 'membership-ended';

export interface SessionRef {
  readonly sessionId: string;
  readonly personId: string;
  /** Null until the person acts in a pod (a newcomer, an operator or a region steward). */
  readonly podId: string | null;
  /** The keyed hash of the address signed in with: configured roles are looked up by it. Null for older sessions. */
  readonly addressHash: Buffer | null;
}

export interface IssuedRefreshToken {
  readonly refreshToken: string;
  readonly expiresAt: string;
}

export type RotationOutcome =
  | { readonly outcome: 'rotated'; readonly session: SessionRef; readonly next: IssuedRefreshToken }
  | { readonly outcome: 'refused'; readonly refusal: RefreshRefusal };

interface TokenRow {
  session_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  person_id: string;
  pod_id: string | null;
  address_hash: Buffer | null;
  session_expires_at: Date;
  revoked_at: Date | null;
}

/**
 * Sessions (refresh-token families) and their rotating refresh tokens, stored only as SHA-256 hashes. Each token
 * is exchanged once for the next; a token presented again after its exchange revokes the whole session.
 */
@Injectable()
export class SignInSessions {
  constructor(
    private readonly em: EntityManager,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
  ) {}

  /** Starts a session at sign-in; joins the caller's transaction when `em` is in one. */
  async start(em: EntityManager, personId: string, podId: string | null, addressHash: Buffer, now: Date): Promise<SessionRef & IssuedRefreshToken> {
    const sessionId = randomUUID();
    const sessionExpiresAt = new Date(now.getTime() + this.config.sessionMaxSeconds * 1000).toISOString();
    await query(em, 'insert into sign_in_sessions (session_id, person_id, pod_id, address_hash, created_at, expires_at) values (?, ?, ?, ?, ?, ?)', [
      sessionId,
      personId,
      podId,
      addressHash,
      now.toISOString(),
      sessionExpiresAt,
    ]);
    const token = await this.issue(em, sessionId, now, sessionExpiresAt);
    return { sessionId, personId, podId, addressHash, ...token };
  }

  /**
   * Exchanges a refresh token for the next one. `stillMember` is asked before anything is committed: a person who
   * left the session's pod gets no new token and the session ends.
   */
  async rotate(presented: string, now: Date, stillMember: (session: SessionRef) => Promise<boolean>): Promise<RotationOutcome> {
    if (!REFRESH_TOKEN.test(presented)) return { outcome: 'refused', refusal: 'REFRESH_TOKEN_INVALID' };
    return this.em.fork().transactional(async (tx) => {
      const [row] = await query<TokenRow>(
        tx,
        `select t.session_id, t.expires_at, t.rotated_at, s.person_id, s.pod_id, s.address_hash, s.expires_at as session_expires_at, s.revoked_at
         from sign_in_refresh_tokens t join sign_in_sessions s on s.session_id = t.session_id
         where t.token_hash = ?
         for update of t, s`,
        [sha256(presented)],
      );
      const at = now.toISOString();
      const verdict = judgeRefresh(
        row ? { expiresAt: iso(row.expires_at), rotatedAt: row.rotated_at && iso(row.rotated_at) } : null,
        row ? { expiresAt: iso(row.session_expires_at), revokedAt: row.revoked_at && iso(row.revoked_at) } : null,
        at,
      );
      if (verdict.outcome === 'refused') {
        if (verdict.revokeSession) await this.revokeIn(tx, row!.session_id, 'refresh-token-reused', now);
        return { outcome: 'refused', refusal: verdict.refusal };
      }
      const session = { sessionId: row!.session_id, personId: row!.person_id, podId: row!.pod_id, addressHash: row!.address_hash };
      if (!(await stillMember(session))) {
        await this.revokeIn(tx, session.sessionId, 'membership-ended', now);
        return { outcome: 'refused', refusal: 'SESSION_REVOKED' };
      }
      await query(tx, 'update sign_in_refresh_tokens set rotated_at = ? where token_hash = ?', [at, sha256(presented)]);
      const next = await this.issue(tx, session.sessionId, now, iso(row!.session_expires_at));
      return { outcome: 'rotated', session, next };
    });
  }

  /** The live session of this person, or null (revoked, expired, someone else's, or none). */
  async active(sessionId: string, personId: string, now: Date): Promise<SessionRef | null> {
    const [row] = await query<{ pod_id: string | null; address_hash: Buffer | null }>(
      this.em.fork(),
      'select pod_id, address_hash from sign_in_sessions where session_id = ? and person_id = ? and revoked_at is null and expires_at > ?',
      [sessionId, personId, now.toISOString()],
    );
    return row ? { sessionId, personId, podId: row.pod_id, addressHash: row.address_hash } : null;
  }

  /** Later refreshes of the session issue tokens for this pod. */
  async switchPod(session: SessionRef, podId: string): Promise<void> {
    await query(this.em.fork(), 'update sign_in_sessions set pod_id = ? where session_id = ? and person_id = ?', [podId, session.sessionId, session.personId]);
  }

  /** Ends the session: none of its refresh tokens works any more. True when it was live. */
  async revoke(sessionId: string, personId: string, reason: SessionEndReason, now: Date): Promise<boolean> {
    const revoked = await query(
      this.em.fork(),
      'update sign_in_sessions set revoked_at = ?, revoked_reason = ? where session_id = ? and person_id = ? and revoked_at is null returning session_id',
      [now.toISOString(), reason, sessionId, personId],
    );
    return revoked.length > 0;
  }

  private async revokeIn(em: EntityManager, sessionId: string, reason: SessionEndReason, now: Date): Promise<void> {
    await query(em, 'update sign_in_sessions set revoked_at = ?, revoked_reason = ? where session_id = ? and revoked_at is null', [
      now.toISOString(),
      reason,
      sessionId,
    ]);
  }

  private async issue(em: EntityManager, sessionId: string, now: Date, sessionExpiresAt: string): Promise<IssuedRefreshToken> {
    const refreshToken = `mrt_${randomBytes(32).toString('base64url')}`;
    const expiresAt = refreshTokenExpiry(now.toISOString(), this.config.refreshTokenTtlSeconds, sessionExpiresAt);
    await query(em, 'insert into sign_in_refresh_tokens (token_hash, session_id, issued_at, expires_at) values (?, ?, ?, ?)', [
      sha256(refreshToken),
      sessionId,
      now.toISOString(),
      expiresAt,
    ]);
    return { refreshToken, expiresAt };
  }
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
