import { createHash } from 'node:crypto';
import { DomainRuleViolation } from '@mutuo/domain';

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

/** Where money actually leaves: a payment processor behind this interface. Nest token: PAYOUT_PROCESSOR. */
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
