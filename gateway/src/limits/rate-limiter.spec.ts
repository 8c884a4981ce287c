import { FixedWindowRateLimiter } from './rate-limiter';

describe('FixedWindowRateLimiter', () => {
  it('allows the quota in a window, refuses past it, and restores it when the window ends', () => {
    const limiter = new FixedWindowRateLimiter(60_000, 100);
    const taken = [0, 1, 2].map((second) => limiter.take('ana', 2, second * 1000));

    expect(taken.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(taken[2]!.resetSeconds).toBe(58);
    expect(limiter.take('ana', 2, 60_000)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60 });
  });

  it('keeps at most maxKeys callers, forgetting ended windows first, then the least recently seen', () => {
    const limiter = new FixedWindowRateLimiter(60_000, 100);
    for (let caller = 0; caller < 100; caller++) limiter.take(`old-${caller}`, 5, 0);
    limiter.take('old-0', 5, 30_000);
    for (let caller = 0; caller < 150; caller++) limiter.take(`new-${caller}`, 5, 61_000);

    expect(limiter.trackedKeys).toBe(100);
    // old-0 was seen at 30 s, so its window is still open at 61 s, but 150 newer callers pushed it out.
    expect(limiter.take('old-0', 5, 61_000).remaining).toBe(4);
    expect(limiter.take('new-149', 5, 61_000).remaining).toBe(3);
  });
});
