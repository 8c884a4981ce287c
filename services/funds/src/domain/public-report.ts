import { DomainRuleViolation } from '@mutuo/domain';
import type { LedgerAccountKind, TransferKind } from './ledger.types';
import { HOUR } from './money';

/**
 * The public report of a pod's funds over a period, computed from the ledger's transfers only, so every figure can be
 * traced back to the transfers behind it (`figureOf`). Pure: the query feeds it rows, the HTTP and GraphQL layers
 * render it.
 */
export interface ReportPeriod {
  readonly label: string;
  readonly kind: 'month' | 'quarter' | 'year';
  /** Inclusive, ISO. */
  readonly from: string;
  /** Exclusive, ISO. */
  readonly until: string;
}

export interface ReportTransfer {
  readonly transferId: string;
  readonly unit: string;
  readonly amountMinor: number;
  readonly kind: TransferKind;
  readonly debitAccountKind: LedgerAccountKind;
  readonly creditAccountKind: LedgerAccountKind;
  readonly debitMemberId: string | null;
  readonly creditMemberId: string | null;
  /** A disbursement's category, or a contribution's source kind. */
  readonly category: string | null;
  /** For a reversal: the kind of the transfer it undoes. */
  readonly reversesKind: TransferKind | null;
  /** Reversed later (then it and its reversal cancel out). */
  readonly reversed: boolean;
  readonly postedAt: string;
}

export interface NamedDonor {
  readonly name: string;
  readonly currency: string;
  readonly amountMinor: number;
}

export interface MoneyFigures {
  readonly currency: string;
  readonly inBySource: { sourceKind: string; amountMinor: number }[];
  readonly totalInMinor: number;
  readonly outByCategory: { category: string; amountMinor: number }[];
  /** Net of reversals: what was paid out minus what came back. */
  readonly totalOutMinor: number;
  /** Payouts reversed in the period (money back in the treasury), already taken off `outByCategory` and `totalOutMinor`. */
  readonly payoutsReversedMinor: number;
  readonly feesMinor: number;
  /** The treasury at the end of the period. */
  readonly balanceMinor: number;
  /** Processor fees and administration spending, as a share of everything that left the treasury; null when nothing left. */
  readonly adminOverheadPercent: number | null;
}

export interface PublicReport {
  readonly podId: string;
  readonly period: ReportPeriod;
  readonly money: MoneyFigures[];
  readonly hours: {
    readonly exchangedMinutes: number;
    readonly giftedToPoolMinutes: number;
    readonly grantedFromPoolMinutes: number;
    /** Members who both gave and received help in the period. A count, never names. */
    readonly peopleWhoGaveAndReceived: number;
  };
  /** Only donors who opted in to being named. */
  readonly namedDonors: NamedDonor[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

export function parsePeriod(label: string): ReportPeriod {
  const utc = (year: number, monthIndex: number) => new Date(Date.UTC(year, monthIndex, 1)).toISOString();
  let match = MONTH.exec(label);
  if (match) {
    const [year, month] = [Number(match[1]), Number(match[2])];
    return { label, kind: 'month', from: utc(year, month - 1), until: utc(year, month) };
  }
  match = QUARTER.exec(label);
  if (match) {
    const [year, quarter] = [Number(match[1]), Number(match[2])];
    return { label, kind: 'quarter', from: utc(year, (quarter - 1) * 3), until: utc(year, quarter * 3) };
  }
  match = YEAR.exec(label);
  if (match) {
    const year = Number(match[1]);
    return { label, kind: 'year', from: utc(year, 0), until: utc(year + 1, 0) };
  }
  throw new DomainRuleViolation('INVALID_PERIOD', 'Use a month (2026-11), a quarter (2026-Q4) or a year (2026)', 'period');
}

/** The figure a transfer counts toward, and with which sign (a reversal takes back its original's figure). */
export function figureOf(transfer: Pick<ReportTransfer, 'kind' | 'unit' | 'category' | 'reversesKind'>): { figure: string; sign: 1 | -1 } | null {
  const kind = transfer.kind === 'reversal' ? transfer.reversesKind : transfer.kind;
  const sign = transfer.kind === 'reversal' ? -1 : 1;
  switch (kind) {
    case 'contribution':
      return { figure: `money-in:${transfer.unit}:${transfer.category ?? 'other'}`, sign };
    case 'processor-fee':
      return { figure: `fees:${transfer.unit}`, sign };
    case 'disbursement':
      return { figure: `money-out:${transfer.unit}:${transfer.category ?? 'other'}`, sign };
    case 'time-exchange':
    case 'clearing':
      return { figure: 'hours-exchanged', sign };
    case 'time-gift':
      return { figure: 'hours-gifted', sign };
    case 'pool-grant':
      return { figure: 'hours-granted', sign };
    case 'reversal':
    case 'clearing-settlement':
    case null:
      return null;
    default:
      return null;
  }
}

/** A reversal of a disbursement: a payout that came back (traced as `payouts-reversed:<CUR>`). */
export function isPayoutReversal(transfer: Pick<ReportTransfer, 'kind' | 'reversesKind'>): boolean {
  return transfer.kind === 'reversal' && transfer.reversesKind === 'disbursement';
}

function inPeriod(transfer: ReportTransfer, period: ReportPeriod): boolean {
  return transfer.postedAt >= period.from && transfer.postedAt < period.until;
}

/** `transfers`: every transfer of the pod posted before the end of the period (earlier ones make the balance). */
export function buildPublicReport(podId: string, period: ReportPeriod, transfers: readonly ReportTransfer[], namedDonors: NamedDonor[]): PublicReport {
  const figures = new Map<string, number>();
  const balances = new Map<string, number>();
  const gave = new Set<string>();
  const received = new Set<string>();
  for (const transfer of transfers) {
    if (transfer.postedAt >= period.until) continue;
    if (transfer.unit !== HOUR) {
      const delta =
        (transfer.creditAccountKind === 'treasury' ? transfer.amountMinor : 0) - (transfer.debitAccountKind === 'treasury' ? transfer.amountMinor : 0);
      balances.set(transfer.unit, (balances.get(transfer.unit) ?? 0) + delta);
    }
    if (!inPeriod(transfer, period)) continue;
    const counted = figureOf(transfer);
    if (counted) figures.set(counted.figure, (figures.get(counted.figure) ?? 0) + counted.sign * transfer.amountMinor);
    if (isPayoutReversal(transfer)) {
      const key = `payouts-reversed:${transfer.unit}`;
      figures.set(key, (figures.get(key) ?? 0) + transfer.amountMinor);
    }
    // Who gave and who received: time legs that still stand.
    if ((transfer.kind === 'time-exchange' || transfer.kind === 'clearing') && !transfer.reversed) {
      if (transfer.creditAccountKind === 'member-time' && transfer.creditMemberId) gave.add(transfer.creditMemberId);
      if (transfer.debitAccountKind === 'member-time' && transfer.debitMemberId) received.add(transfer.debitMemberId);
    }
  }
  const currencies = new Set<string>(balances.keys());
  const money: MoneyFigures[] = [...currencies].sort().map((currency) => {
    const prefixed = (prefix: string) =>
      [...figures.entries()]
        .filter(([figure, amount]) => figure.startsWith(`${prefix}:${currency}:`) && amount !== 0)
        .map(([figure, amount]) => [figure.slice(prefix.length + currency.length + 2), amount] as const)
        .sort(([a], [b]) => a.localeCompare(b));
    const inBySource = prefixed('money-in').map(([sourceKind, amountMinor]) => ({ sourceKind, amountMinor }));
    const outByCategory = prefixed('money-out').map(([category, amountMinor]) => ({ category, amountMinor }));
    const totalOutMinor = outByCategory.reduce((sum, row) => sum + row.amountMinor, 0);
    const feesMinor = figures.get(`fees:${currency}`) ?? 0;
    const administration = outByCategory.find((row) => row.category === 'administration')?.amountMinor ?? 0;
    const leaving = totalOutMinor + feesMinor;
    return {
      currency,
      inBySource,
      totalInMinor: inBySource.reduce((sum, row) => sum + row.amountMinor, 0),
      outByCategory,
      totalOutMinor,
      payoutsReversedMinor: figures.get(`payouts-reversed:${currency}`) ?? 0,
      feesMinor,
      balanceMinor: balances.get(currency) ?? 0,
      adminOverheadPercent: leaving === 0 ? null : Math.round(((feesMinor + administration) / leaving) * 1000) / 10,
    };
  });
  return {
    podId,
    period,
    money,
    hours: {
      exchangedMinutes: figures.get('hours-exchanged') ?? 0,
      giftedToPoolMinutes: figures.get('hours-gifted') ?? 0,
      grantedFromPoolMinutes: figures.get('hours-granted') ?? 0,
      peopleWhoGaveAndReceived: [...gave].filter((memberId) => received.has(memberId)).length,
    },
    namedDonors,
  };
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Quote everything that could break a row, and neutralise spreadsheet formulas in names.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One figure per row: `section,key,unit,amount_minor` (amounts in minor units, percentages as numbers). */
export function publicReportCsv(report: PublicReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'unit', 'amount_minor']];
  for (const money of report.money) {
    for (const row of money.inBySource) rows.push(['money_in', row.sourceKind, money.currency, row.amountMinor]);
    rows.push(['money_in_total', 'all', money.currency, money.totalInMinor]);
    for (const row of money.outByCategory) rows.push(['money_out', row.category, money.currency, row.amountMinor]);
    rows.push(['money_out_total', 'all', money.currency, money.totalOutMinor]);
    rows.push(['payouts_reversed', 'all', money.currency, money.payoutsReversedMinor]);
    rows.push(['fees', 'processor', money.currency, money.feesMinor]);
    rows.push(['balance', 'treasury', money.currency, money.balanceMinor]);
    rows.push(['admin_overhead_percent', 'all', money.currency, money.adminOverheadPercent]);
  }
  rows.push(['hours_exchanged', 'all', 'MINUTES', report.hours.exchangedMinutes]);
  rows.push(['hours_gifted_to_pool', 'all', 'MINUTES', report.hours.giftedToPoolMinutes]);
  rows.push(['hours_granted_from_pool', 'all', 'MINUTES', report.hours.grantedFromPoolMinutes]);
  rows.push(['people_gave_and_received', 'all', 'PEOPLE', report.hours.peopleWhoGaveAndReceived]);
  for (const donor of report.namedDonors) rows.push(['named_donor', donor.name, donor.currency, donor.amountMinor]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
