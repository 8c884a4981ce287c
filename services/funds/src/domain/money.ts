import { checkPlainText, describeTextProblem, DomainRuleViolation, INVALID_TEXT } from '@mutuo/domain';

/** Time credits are kept in whole minutes under this unit; money under its ISO 4217 code in minor units. */
export const HOUR = 'HOUR';
const CURRENCY_CODE = /^[A-Z]{3}$/;

export type LedgerUnit = string;

export function isMoney(unit: LedgerUnit): boolean {
  return unit !== HOUR;
}

/** A unit the ledger knows: HOUR or an ISO 4217 code. */
export function checkUnit(unit: unknown, field = 'unit'): LedgerUnit {
  if (typeof unit !== 'string' || (unit !== HOUR && !CURRENCY_CODE.test(unit))) {
    throw new DomainRuleViolation('INVALID_UNIT', 'Use an ISO 4217 currency code such as EUR, or HOUR for time credits', field);
  }
  return unit;
}

/**
 * A positive whole number of minor units. Amounts never travel as fractions: 12.5 cents or 7.5 minutes is refused,
 * not rounded, so nothing is ever invented or lost in conversion.
 */
export function checkAmountMinor(amount: unknown, field = 'amountMinor'): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new DomainRuleViolation('INVALID_AMOUNT', 'The amount must be a number of minor units (cents, minutes)', field);
  }
  if (!Number.isInteger(amount)) {
    throw new DomainRuleViolation('FRACTIONAL_MINOR_UNIT', 'Amounts are whole minor units (cents, minutes): no fractions', field);
  }
  if (amount <= 0) throw new DomainRuleViolation('AMOUNT_NOT_POSITIVE', 'The amount must be greater than zero', field);
  if (!Number.isSafeInteger(amount)) throw new DomainRuleViolation('AMOUNT_TOO_LARGE', 'The amount is too large', field);
  return amount;
}

/** Like checkAmountMinor, but zero is allowed (a fee that was not charged, an empty budget). */
export function checkAmountMinorOrZero(amount: unknown, field: string): number {
  if (amount === 0) return 0;
  return checkAmountMinor(amount, field);
}

/**
 * Free text people write (reasons, notes, donor names), held to the shared plain-text rule: an empty text is
 * TEXT_REQUIRED, a long one TEXT_TOO_LONG, control, broken or invisible-only text INVALID_TEXT.
 */
export function checkText(value: unknown, field: string, max: number, multiline = false): string {
  const rule = { field, min: 1, max, multiline };
  const checked = checkPlainText(typeof value === 'string' ? value : '', rule);
  if (checked.ok) return checked.text;
  const { problem } = checked;
  if (problem.kind === 'length' && problem.length === 0) throw new DomainRuleViolation('TEXT_REQUIRED', `${field} must not be empty`, field);
  if (problem.kind === 'length') throw new DomainRuleViolation('TEXT_TOO_LONG', `${field} must be at most ${max} characters`, field);
  throw new DomainRuleViolation(INVALID_TEXT, describeTextProblem(rule, problem), field);
}

/** `YYYY-MM` of an ISO timestamp, in UTC: budgets are monthly. */
export function monthOf(isoTimestamp: string): string {
  return isoTimestamp.slice(0, 7);
}
