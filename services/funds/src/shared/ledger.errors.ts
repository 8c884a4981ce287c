import { DomainRuleViolation } from '@mutuo/domain';
import { StreamVersionConflict, pgConstraint, pgErrorCode } from '@mutuo/event-store';

/**
 * Turns what the database refused into the errors callers understand. The deciders refuse first; these are the
 * second line (a race the locks did not cover, a bug), so the caller still gets a code and never a half-posted transfer.
 */
export function asLedgerError(error: unknown): unknown {
  if (error instanceof StreamVersionConflict) {
    return new DomainRuleViolation('CONFLICT', 'Someone changed this at the same time: reload and try again');
  }
  const code = pgErrorCode(error);
  const constraint = pgConstraint(error);
  if (code === '23514' && constraint === 'accounts_balance_above_floor') {
    return new DomainRuleViolation('INSUFFICIENT_FUNDS', 'The account does not hold enough to pay this', 'amountMinor');
  }
  if (code === '23505' && constraint === 'transfers_pkey') {
    return new DomainRuleViolation('TRANSFER_ID_REUSED', 'This transfer id was already used for a different transfer', 'transferId');
  }
  if (code === '23505' && constraint === 'transfers_one_reversal_each') {
    return new DomainRuleViolation('ALREADY_REVERSED', 'This transfer was already reversed', 'transferId');
  }
  if (code === '40001' || code === '40P01') {
    return new DomainRuleViolation('CONFLICT', 'Someone changed this at the same time: reload and try again');
  }
  return error;
}

export async function withLedgerErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asLedgerError(error);
  }
}
