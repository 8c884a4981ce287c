import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value the predicate returns', async () => {
    let calls = 0;

    const value = await waitFor(async () => (++calls >= 3 ? { calls } : undefined), { description: 'three calls', intervalMs: 5 });

    expect(value).toEqual({ calls: 3 });
  });

  it('names what it waited for when it times out, with the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('outbox still has 2 rows');
        },
        { description: 'the outbox to drain', timeoutMs: 50, intervalMs: 10 },
      ),
    ).rejects.toThrow('Timed out after 50 ms waiting for the outbox to drain (last error: outbox still has 2 rows)');
  });
});
