import { ConfigError } from '@mutuo/platform';
import { SandboxPayoutProcessor, payoutProcessorFrom, payoutProcessorModeFrom } from './payout-processor';

describe('payout processor configuration', () => {
  it('uses the sandbox in development and tests, and manual payouts in production unless told otherwise', () => {
    expect(payoutProcessorModeFrom({ NODE_ENV: 'development' })).toBe('sandbox');
    expect(payoutProcessorModeFrom({ NODE_ENV: 'test' })).toBe('sandbox');
    expect(payoutProcessorModeFrom({ NODE_ENV: 'production' })).toBe('manual');
    expect(payoutProcessorModeFrom({ NODE_ENV: 'development', FUNDS_PAYOUT_PROCESSOR: 'manual' })).toBe('manual');
    expect(payoutProcessorFrom({ NODE_ENV: 'test' })).toBeInstanceOf(SandboxPayoutProcessor);
    expect(payoutProcessorFrom({ NODE_ENV: 'production' })).toBeNull();
  });

  it('refuses the sandbox in production, and an unknown mode anywhere, naming the variable', () => {
    expect(() => payoutProcessorFrom({ NODE_ENV: 'production', FUNDS_PAYOUT_PROCESSOR: 'sandbox' })).toThrow(ConfigError);
    expect(() => payoutProcessorFrom({ NODE_ENV: 'production', FUNDS_PAYOUT_PROCESSOR: 'sandbox' })).toThrow(
      /FUNDS_PAYOUT_PROCESSOR must not be sandbox in production/,
    );
    expect(() => payoutProcessorFrom({ FUNDS_PAYOUT_PROCESSOR: 'stripe' })).toThrow(/FUNDS_PAYOUT_PROCESSOR must be one of manual, sandbox/);
  });

  it('the sandbox pays each key once and declines its test amount', async () => {
    const sandbox = new SandboxPayoutProcessor();
    const request = { idempotencyKey: 'p-1', podId: 'pod-1', currency: 'EUR', amountMinor: 3_000, recipientMemberId: null };
    const first = await sandbox.payout(request);
    expect(await sandbox.payout(request)).toEqual(first);
    expect(first.processorReference).toMatch(/^sandbox_po_[0-9a-f]{16}$/);
    await expect(sandbox.payout({ ...request, idempotencyKey: 'p-2', amountMinor: SandboxPayoutProcessor.DECLINED_AMOUNT_MINOR })).rejects.toMatchObject({
      code: 'PAYOUT_DECLINED',
    });
  });
});
