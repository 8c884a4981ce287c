export interface BackoffOptions {
  /** Delay after the first failure. */
  readonly initialMs?: number;
  /** Upper bound, before jitter. */
  readonly maxMs?: number;
  /** Spread as a fraction of the delay: 0.2 draws from [0.8 d, 1.2 d], so retries of many clients do not align. */
  readonly jitter?: number;
}

/** Exponential backoff: attempt 1 waits `initialMs`, each further attempt twice as long, capped at `maxMs`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = options.initialMs ?? 250;
  const maxMs = options.maxMs ?? 30_000;
  const jitter = options.jitter ?? 0.2;
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const base = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random())));
}
