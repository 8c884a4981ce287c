import { commandMetadataFrom, correlationIdFrom, currentContext, requestContext } from './request-context';

describe('requestContext', () => {
  it('follows the request across awaits and timers, and ends with it', async () => {
    const seen = await requestContext.run({ correlationId: 'corr-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentContext()?.correlationId;
    });

    expect(seen).toBe('corr-1');
    expect(currentContext()).toBeUndefined();
  });

  it('keeps a plain correlation id from a header and replaces anything else', () => {
    expect(correlationIdFrom('req-7f3a')).toBe('req-7f3a');
    expect(correlationIdFrom('evil\n{"level":"fatal"}')).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('derives command metadata from the verified caller', () => {
    const identity = { subject: 'person-1', podId: 'pod-1', roles: [], token: 't' };
    const ctx = { identity, podId: 'pod-1', correlationId: 'corr-1' };

    expect(commandMetadataFrom(ctx, new Date('2025-01-02T03:04:05Z'))).toEqual({
      now: '2025-01-02T03:04:05.000Z',
      actorId: 'person-1',
      podId: 'pod-1',
      correlationId: 'corr-1',
    });
    expect(() => commandMetadataFrom({ correlationId: 'corr-2' }, new Date())).toThrow('authenticated caller');
  });
});
