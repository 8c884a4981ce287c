import { judgeRefresh, refreshTokenExpiry, type StoredRefreshToken, type StoredSession } from './refresh-session';

const now = '2026-03-01T10:00:00.000Z';
const session: StoredSession = { expiresAt: '2026-05-30T10:00:00.000Z', revokedAt: null };
const current: StoredRefreshToken = { expiresAt: '2026-03-31T10:00:00.000Z', rotatedAt: null };

describe('refresh token rotation', () => {
  it("given the family's current token, when it is presented, then it is exchanged for the next one", () => {
    expect(judgeRefresh(current, session, now)).toEqual({ outcome: 'rotate' });
  });

  it('given a token that was already exchanged, when it comes back, then the whole family is revoked', () => {
    const rotated = { ...current, rotatedAt: '2026-02-28T10:00:00.000Z' };
    expect(judgeRefresh(rotated, session, now)).toEqual({ outcome: 'refused', refusal: 'REFRESH_TOKEN_REUSED', revokeSession: true });
  });

  it('given a revoked family (signed out, or a reuse was caught), then none of its tokens works', () => {
    const revoked = { ...session, revokedAt: '2026-02-28T12:00:00.000Z' };
    expect(judgeRefresh(current, revoked, now)).toEqual({ outcome: 'refused', refusal: 'SESSION_REVOKED', revokeSession: false });
    expect(judgeRefresh({ ...current, rotatedAt: '2026-02-28T10:00:00.000Z' }, revoked, now)).toMatchObject({ refusal: 'SESSION_REVOKED' });
  });

  it('refuses an expired token or a session past its end', () => {
    expect(judgeRefresh({ ...current, expiresAt: now }, session, now)).toMatchObject({ refusal: 'SESSION_EXPIRED', revokeSession: false });
    expect(judgeRefresh(current, { ...session, expiresAt: now }, now)).toMatchObject({ refusal: 'SESSION_EXPIRED' });
  });

  it('refuses a token nobody issued', () => {
    expect(judgeRefresh(null, null, now)).toMatchObject({ refusal: 'REFRESH_TOKEN_INVALID' });
  });

  it('never lets a new token outlive its session', () => {
    expect(refreshTokenExpiry(now, 30 * 86_400, session.expiresAt)).toBe('2026-03-31T10:00:00.000Z');
    expect(refreshTokenExpiry('2026-05-20T10:00:00.000Z', 30 * 86_400, session.expiresAt)).toBe(session.expiresAt);
  });
});
