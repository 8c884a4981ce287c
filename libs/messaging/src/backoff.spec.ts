import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const middle = () => 0.5;

  it('doubles from the initial delay up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffDelay(attempt, { initialMs: 250, maxMs: 30_000 }, middle));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('spreads delays by the jitter fraction', () => {
    expect(backoffDelay(3, { initialMs: 100, jitter: 0.2 }, () => 0)).toBe(320);
    expect(backoffDelay(3, { initialMs: 100, jitter: 0.2 }, () => 0.999999)).toBe(480);
    expect(backoffDelay(3, { initialMs: 100, jitter: 0 }, Math.random)).toBe(400);
  });

  it('treats attempts below 1 as the first and never overflows', () => {
    expect(backoffDelay(0, { initialMs: 100, jitter: 0 })).toBe(100);
    expect(backoffDelay(10_000, { initialMs: 100, maxMs: 5_000, jitter: 0 })).toBe(5_000);
  });
});
