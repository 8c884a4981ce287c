import { codeExpiry, judgeCodeAttempt, judgeCodeGuess, presentedCode, rateWindow, type StoredCode } from './sign-in-code';

const issuedAt = '2026-03-01T10:00:00.000Z';
const MAX_ATTEMPTS = 5;
const fresh: StoredCode = { expiresAt: codeExpiry(issuedAt, 600), attempts: 0, consumedAt: null };
const minutesLater = (minutes: number) => new Date(Date.parse(issuedAt) + minutes * 60_000).toISOString();

describe('one-time codes', () => {
  it('given a fresh code, when the right digits are presented before expiry, then they are accepted', () => {
    expect(judgeCodeAttempt(fresh, true, minutesLater(9), MAX_ATTEMPTS)).toEqual({ outcome: 'accepted' });
  });

  it('expires: ten minutes after issue even the right digits are refused as expired, without using an attempt', () => {
    expect(fresh.expiresAt).toBe('2026-03-01T10:10:00.000Z');
    expect(judgeCodeAttempt(fresh, true, minutesLater(10), MAX_ATTEMPTS)).toEqual({
      outcome: 'refused',
      refusal: 'CODE_EXPIRED',
      countAttempt: false,
      attemptsLeft: 0,
    });
  });

  it('is single-use: once consumed the same digits are invalid', () => {
    const used = { ...fresh, consumedAt: minutesLater(1) };
    expect(judgeCodeAttempt(used, true, minutesLater(2), MAX_ATTEMPTS)).toMatchObject({ outcome: 'refused', refusal: 'CODE_INVALID', countAttempt: false });
  });

  it('counts wrong guesses and locks the code on the last one', () => {
    expect(judgeCodeAttempt(fresh, false, minutesLater(1), MAX_ATTEMPTS)).toEqual({
      outcome: 'refused',
      refusal: 'CODE_INVALID',
      countAttempt: true,
      attemptsLeft: 4,
    });
    expect(judgeCodeAttempt({ ...fresh, attempts: 4 }, false, minutesLater(1), MAX_ATTEMPTS)).toEqual({
      outcome: 'refused',
      refusal: 'CODE_LOCKED',
      countAttempt: true,
      attemptsLeft: 0,
    });
  });

  it('stays locked after the limit, even for the right digits, so guessing on never succeeds', () => {
    expect(judgeCodeAttempt({ ...fresh, attempts: 5 }, true, minutesLater(1), MAX_ATTEMPTS)).toMatchObject({
      outcome: 'refused',
      refusal: 'CODE_LOCKED',
      countAttempt: false,
    });
  });

  it('refuses when there is no code at all just like a wrong one, telling nothing about the address', () => {
    expect(judgeCodeAttempt(null, false, minutesLater(1), MAX_ATTEMPTS)).toMatchObject({ outcome: 'refused', refusal: 'CODE_INVALID' });
  });

  describe('a guess against the live codes of an address, one per requester', () => {
    const lockedForOthers: StoredCode = { ...fresh, attempts: MAX_ATTEMPTS };

    it('accepts the code the digits match, whoever asked for it', () => {
      const verdict = judgeCodeGuess(
        [
          { code: fresh, own: false, matches: false },
          { code: fresh, own: false, matches: true },
        ],
        minutesLater(1),
        MAX_ATTEMPTS,
      );
      expect(verdict).toEqual({ outcome: 'accepted', index: 1 });
    });

    it("uses up an attempt on every live code it was tried on, and answers with the presenter's own code's refusal", () => {
      const verdict = judgeCodeGuess(
        [
          { code: lockedForOthers, own: false, matches: false },
          { code: fresh, own: true, matches: false },
        ],
        minutesLater(1),
        MAX_ATTEMPTS,
      );
      expect(verdict).toEqual({ outcome: 'refused', refusal: 'CODE_INVALID', counted: [1] });
    });

    it('never accepts a code whose attempts the presenter has used up, even with the right digits', () => {
      const verdict = judgeCodeGuess([{ code: lockedForOthers, own: false, matches: true }], minutesLater(1), MAX_ATTEMPTS);
      expect(verdict).toEqual({ outcome: 'refused', refusal: 'CODE_LOCKED', counted: [] });
    });

    it('refuses as invalid when the address has no code', () => {
      expect(judgeCodeGuess([], minutesLater(1), MAX_ATTEMPTS)).toEqual({ outcome: 'refused', refusal: 'CODE_INVALID', counted: [] });
    });
  });

  it('reads six digits, forgiving spaces and dashes, and nothing else', () => {
    expect(presentedCode(' 042 917 ')).toBe('042917');
    expect(presentedCode('042-917')).toBe('042917');
    expect(presentedCode('42917')).toBeNull();
    expect(presentedCode('04291a')).toBeNull();
  });

  it('puts every request of a window in the same fixed window', () => {
    expect(rateWindow('2026-03-01T10:14:59.000Z', 900)).toEqual({ start: '2026-03-01T10:00:00.000Z', end: '2026-03-01T10:15:00.000Z' });
    expect(rateWindow('2026-03-01T10:15:00.000Z', 900).start).toBe('2026-03-01T10:15:00.000Z');
  });
});
