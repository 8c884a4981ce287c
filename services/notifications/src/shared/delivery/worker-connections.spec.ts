import { BackgroundLane } from './background-lane';
import { Permits } from './worker-connections';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the worker’s permits and partner lane', () => {
  it('never runs more than its size at once, and lets urgent waiters go first', async () => {
    const permits = new Permits(2);
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const job = (name: string, urgent = false) =>
      permits.run(
        () =>
          new Promise<void>((resolve) => {
            started.push(name);
            release.set(name, resolve);
          }),
        urgent,
      );
    const all = [job('a'), job('b'), job('c'), job('d'), job('code', true)];
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(permits.busy).toBe(5);
    release.get('a')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'code']);
    release.get('b')!();
    release.get('code')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'code', 'c', 'd']);
    release.get('c')!();
    release.get('d')!();
    await Promise.all(all);
    expect(permits.busy).toBe(0);
  });

  it('frees a permit when the work fails', async () => {
    const permits = new Permits(1);
    await expect(permits.run(() => Promise.reject(new Error('pool exhausted')))).rejects.toThrow('pool exhausted');
    await expect(permits.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses work when full instead of queueing it, and reports failures without rejecting', async () => {
    const errors: unknown[] = [];
    const lane = new BackgroundLane(2, (error) => errors.push(error));
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    expect(lane.offer(() => held)).toBe(true);
    expect(lane.offer(() => Promise.reject(new Error('partner down')))).toBe(true);
    await tick();
    expect(lane.offer(() => held)).toBe(true);
    expect(lane.offer(() => held)).toBe(false);
    finish();
    await lane.idle();
    expect(lane.active).toBe(0);
    expect(errors).toEqual([new Error('partner down')]);
  });
});
