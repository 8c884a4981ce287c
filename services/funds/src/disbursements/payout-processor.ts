import { createHash } from 'node:crypto';
import type { FactoryProvider } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import { loadConfig, nodeEnvironment } from '@mutuo/platform';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { z } from 'zod';

export interface PayoutRequest {
  /** The same key always means the same payout: a retry never pays twice. */
  readonly idempotencyKey: string;
  readonly podId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly recipientMemberId: string | null;
}

export interface PayoutResult {
  readonly processorReference: string;
}

/**
 * The port where money leaves through a payment provider. A deployment plugs a real provider here; until then a pod's
 * treasurers pay outside the platform and record it (`recordDisbursementPayout`). Nest token: PAYOUT_PROCESSOR, whose
 * value is null in manual mode.
 */
export interface PayoutProcessor {
  payout(request: PayoutRequest): Promise<PayoutResult>;
}

export const PAYOUT_PROCESSOR = Symbol('PAYOUT_PROCESSOR');

/**
 * The processor used in development and tests: pays nobody, answers like a real one (idempotent by key, a reference
 * per payout). Amounts of exactly 99 999 999 minor units are declined, for trying the failure path.
 */
export class SandboxPayoutProcessor implements PayoutProcessor {
  static readonly DECLINED_AMOUNT_MINOR = 99_999_999;
  private readonly paid = new Map<string, PayoutResult>();

  async payout(request: PayoutRequest): Promise<PayoutResult> {
    const known = this.paid.get(request.idempotencyKey);
    if (known) return known;
    if (request.amountMinor === SandboxPayoutProcessor.DECLINED_AMOUNT_MINOR) {
      throw new DomainRuleViolation('PAYOUT_DECLINED', 'The payment processor declined the payout; nothing was paid', 'amountMinor');
    }
    const digest = createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 16);
    const result = { processorReference: `sandbox_po_${digest}` };
    this.paid.set(request.idempotencyKey, result);
    return result;
  }
}

export const PAYOUT_PROCESSOR_MODES = ['manual', 'sandbox'] as const;
export type PayoutProcessorMode = (typeof PAYOUT_PROCESSOR_MODES)[number];

export const payoutEnvironment = z
  .object({
    NODE_ENV: nodeEnvironment(),
    FUNDS_PAYOUT_PROCESSOR: z.enum(PAYOUT_PROCESSOR_MODES, { error: `must be one of ${PAYOUT_PROCESSOR_MODES.join(', ')}` }).optional(),
  })
  .superRefine((config, ctx) => {
    // The sandbox pays nobody while telling the pod it paid: never where real money is at stake.
    if (config.NODE_ENV === 'production' && config.FUNDS_PAYOUT_PROCESSOR === 'sandbox') {
      ctx.addIssue({ code: 'custom', path: ['FUNDS_PAYOUT_PROCESSOR'], message: 'must not be sandbox in production', input: undefined });
    }
  });

/** Manual in production unless a real provider is configured; the sandbox elsewhere. A bad value stops the service. */
export function payoutProcessorModeFrom(env: NodeJS.ProcessEnv): PayoutProcessorMode {
  const config = loadConfig(payoutEnvironment, env);
  return config.FUNDS_PAYOUT_PROCESSOR ?? (config.NODE_ENV === 'production' ? 'manual' : 'sandbox');
}

export function payoutProcessorFrom(env: NodeJS.ProcessEnv): PayoutProcessor | null {
  return payoutProcessorModeFrom(env) === 'sandbox' ? new SandboxPayoutProcessor() : null;
}

export const payoutProcessorProvider: FactoryProvider<PayoutProcessor | null> = optionsFromEnvironment(PAYOUT_PROCESSOR, payoutProcessorFrom);
