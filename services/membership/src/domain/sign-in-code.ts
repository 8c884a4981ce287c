/**
 * The rules of one-time codes (sign-in and contact verification), free of storage and clocks: the caller passes
 * the code as stored, whether the presented digits matched, and "now". A code is good for one successful use,
 * until it expires, and for a limited number of wrong guesses; after that it is locked and a new one is needed.
 */

export const CODE_DIGITS = 6;

/** A code as stored (its digits are kept only as a keyed hash). */
export interface StoredCode {
  readonly expiresAt: string;
  /** Wrong guesses so far. */
  readonly attempts: number;
  readonly consumedAt: string | null;
}

export type CodeRefusal = 'CODE_INVALID' | 'CODE_EXPIRED' | 'CODE_LOCKED';

export type CodeVerdict =
  | { readonly outcome: 'accepted' }
  /** `countAttempt`: the guess used up one of the code's attempts and must be recorded even though it failed. */
  | { readonly outcome: 'refused'; readonly refusal: CodeRefusal; readonly countAttempt: boolean; readonly attemptsLeft: number };

/**
 * Judges one guess. An unknown, used or superseded code is simply invalid (no hint which); an expired one says
 * so, since asking for a new code is the remedy; a locked one says so even when the guess is right, so guessing
 * on past the limit can never succeed.
 */
export function judgeCodeAttempt(code: StoredCode | null, presentedMatches: boolean, now: string, maxAttempts: number): CodeVerdict {
  if (code === null || code.consumedAt !== null) return refused('CODE_INVALID', false, 0);
  if (Date.parse(now) >= Date.parse(code.expiresAt)) return refused('CODE_EXPIRED', false, 0);
  if (code.attempts >= maxAttempts) return refused('CODE_LOCKED', false, 0);
  if (presentedMatches) return { outcome: 'accepted' };
  const attemptsLeft = maxAttempts - (code.attempts + 1);
  return refused(attemptsLeft === 0 ? 'CODE_LOCKED' : 'CODE_INVALID', true, attemptsLeft);
}

/** One live code of the address, as the presenter sees it: `attempts` is the counter that applies to them. */
export interface CandidateCode {
  readonly code: StoredCode;
  /** The presenter is the requester who asked for this code. */
  readonly own: boolean;
  readonly matches: boolean;
}

export type GuessVerdict =
  | { readonly outcome: 'accepted'; readonly index: number }
  /** `counted`: the candidates (by index) on which the wrong guess used up an attempt. */
  | { readonly outcome: 'refused'; readonly refusal: CodeRefusal; readonly counted: readonly number[] };

/**
 * Judges one guess against the live codes of an address (one per requester, newest first). A code accepts the guess
 * when it would alone; a wrong guess uses up an attempt on every code it was tried on, on the counter that applies
 * to the presenter, so guessing stays limited per code and others' wrong guesses never lock a requester's own code.
 * The refusal is that of the presenter's own code, else that of the newest, else invalid (no hint which).
 */
export function judgeCodeGuess(candidates: readonly CandidateCode[], now: string, maxAttempts: number): GuessVerdict {
  const verdicts = candidates.map((candidate) => judgeCodeAttempt(candidate.code, candidate.matches, now, maxAttempts));
  const accepted = verdicts.findIndex((verdict) => verdict.outcome === 'accepted');
  if (accepted >= 0) return { outcome: 'accepted', index: accepted };
  const counted = verdicts.flatMap((verdict, index) => (verdict.outcome === 'refused' && verdict.countAttempt ? [index] : []));
  const own = candidates.findIndex((candidate) => candidate.own);
  const shown = verdicts[own >= 0 ? own : 0];
  return { outcome: 'refused', refusal: shown?.outcome === 'refused' ? shown.refusal : 'CODE_INVALID', counted };
}

function refused(refusal: CodeRefusal, countAttempt: boolean, attemptsLeft: number): CodeVerdict {
  return { outcome: 'refused', refusal, countAttempt, attemptsLeft };
}

/** The digits a person typed, without the spaces or dashes they may have copied along; null when not a code. */
export function presentedCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits) ? digits : null;
}

export function codeExpiry(now: string, ttlSeconds: number): string {
  return new Date(Date.parse(now) + ttlSeconds * 1000).toISOString();
}

/**
 * Fixed rate-limit windows: every caller's window starts at the same instants, so one counter row per key and
 * window suffices. Returns the window's start and when it ends.
 */
export function rateWindow(now: string, windowSeconds: number): { readonly start: string; readonly end: string } {
  const size = windowSeconds * 1000;
  const start = Math.floor(Date.parse(now) / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString() };
}
