import { RefusalCounts } from './refusal-count';

describe('RefusalCounts', () => {
  it('counts refusals per stream position and forgets a message once it is settled', () => {
    const refusals = new RefusalCounts();
    expect(refusals.add('REQUESTS_EVENTS', 7)).toBe(1);
    expect(refusals.add('REQUESTS_EVENTS', 7)).toBe(2);
    expect(refusals.add('FUNDS_EVENTS', 7)).toBe(1);
    refusals.forget('REQUESTS_EVENTS', 7);
    expect(refusals.add('REQUESTS_EVENTS', 7)).toBe(1);
  });

  it('stays within its capacity by dropping the entry refused longest ago', () => {
    const refusals = new RefusalCounts(2);
    refusals.add('S', 1);
    refusals.add('S', 2);
    refusals.add('S', 1); // 1 is now the most recent
    refusals.add('S', 3);
    expect(refusals.size).toBe(2);
    expect(refusals.add('S', 1)).toBe(3);
    expect(refusals.add('S', 2)).toBe(1);
  });
});
