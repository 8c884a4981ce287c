/**
 * The rules of refresh-token rotation, free of storage and clocks. A sign-in starts a session (a family of
 * refresh tokens); each refresh token may be exchanged once for the next. Presenting one that was already
 * exchanged means two parties hold the family's tokens, one of them a thief: the whole family is revoked.
 */

export interface StoredRefreshToken {
  readonly expiresAt: string;
  /** When it was exchanged for its successor; null while it is the family's current token. */
  readonly rotatedAt: string | null;
}

export interface StoredSession {
  /** No refresh goes past this, however often the tokens rotate. */
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

export type RefreshRefusal = 'REFRESH_TOKEN_INVALID' | 'REFRESH_TOKEN_REUSED' | 'SESSION_REVOKED' | 'SESSION_EXPIRED';

export type RefreshVerdict =
  | { readonly outcome: 'rotate' }
  /** `revokeSession`: the refusal must revoke the whole family (a rotated token came back). */
  | { readonly outcome: 'refused'; readonly refusal: RefreshRefusal; readonly revokeSession: boolean };

export function judgeRefresh(token: StoredRefreshToken | null, session: StoredSession | null, now: string): RefreshVerdict {
  if (token === null || session === null) return { outcome: 'refused', refusal: 'REFRESH_TOKEN_INVALID', revokeSession: false };
  if (session.revokedAt !== null) return { outcome: 'refused', refusal: 'SESSION_REVOKED', revokeSession: false };
  if (token.rotatedAt !== null) return { outcome: 'refused', refusal: 'REFRESH_TOKEN_REUSED', revokeSession: true };
  const at = Date.parse(now);
  if (at >= Date.parse(session.expiresAt) || at >= Date.parse(token.expiresAt)) {
    return { outcome: 'refused', refusal: 'SESSION_EXPIRED', revokeSession: false };
  }
  return { outcome: 'rotate' };
}

/** A new refresh token lives `ttlSeconds`, but never past the end of its session. */
export function refreshTokenExpiry(now: string, ttlSeconds: number, sessionExpiresAt: string): string {
  return new Date(Math.min(Date.parse(now) + ttlSeconds * 1000, Date.parse(sessionExpiresAt))).toISOString();
}
