/** One caller's standing in the current window, as the RateLimit headers report it. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The quota of the window this caller's kind has. */
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window ends and the quota is whole again. */
  readonly resetSeconds: number;
}

interface Window {
  startedAt: number;
  used: number;
}

/**
 * Fixed-window request counting per caller key, in this gateway process (each replica counts its own callers; the
 * operator divides the quota by the replicas, docs/gateway.md). At most `maxKeys` callers are tracked: past that,
 * windows that have ended are dropped first, then the least recently seen, so a flood of new keys costs bounded memory.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  take(key: string, limit: number, now: number): RateLimitDecision {
    let window = this.windows.get(key);
    if (window === undefined || now - window.startedAt >= this.windowMs) window = { startedAt: now, used: 0 };
    // Re-inserted so the map's order is the order callers were last seen.
    this.windows.delete(key);
    this.windows.set(key, window);
    if (this.windows.size > this.maxKeys) this.evict(now);
    const allowed = window.used < limit;
    if (allowed) window.used += 1;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetSeconds: Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)),
    };
  }

  get trackedKeys(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
