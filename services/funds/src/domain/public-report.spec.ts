import { buildPublicReport, figureOf, parsePeriod, publicReportCsv, type ReportTransfer } from './public-report';

const transfer = (overrides: Partial<ReportTransfer>): ReportTransfer => ({
  transferId: 't',
  unit: 'EUR',
  amountMinor: 0,
  kind: 'contribution',
  debitAccountKind: 'external-source',
  creditAccountKind: 'treasury',
  debitMemberId: null,
  creditMemberId: null,
  category: 'individual',
  reversesKind: null,
  reversed: false,
  postedAt: '2026-11-10T10:00:00.000Z',
  ...overrides,
});

describe('the public report', () => {
  it('reads months, quarters and years as UTC ranges and refuses anything else with the field named', () => {
    expect(parsePeriod('2026-11')).toEqual({ label: '2026-11', kind: 'month', from: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
    expect(parsePeriod('2026-Q4')).toMatchObject({ kind: 'quarter', from: '2026-10-01T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' });
    expect(parsePeriod('2026')).toMatchObject({ kind: 'year', until: '2027-01-01T00:00:00.000Z' });
    expect(() => parsePeriod('last month')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD', field: 'period' }));
  });

  it('sums money in by source, out by category, fees apart, the balance including earlier months, and the overhead', () => {
    const report = buildPublicReport(
      'pod-1',
      parsePeriod('2026-11'),
      [
        transfer({ transferId: 'old', amountMinor: 5_000, postedAt: '2026-10-01T00:00:00.000Z' }),
        transfer({ transferId: 'in', amountMinor: 10_000 }),
        transfer({ transferId: 'grant', amountMinor: 20_000, category: 'grant' }),
        transfer({ transferId: 'fee', amountMinor: 300, kind: 'processor-fee', debitAccountKind: 'treasury', creditAccountKind: 'fees', category: null }),
        transfer({
          transferId: 'out',
          amountMinor: 6_000,
          kind: 'disbursement',
          debitAccountKind: 'treasury',
          creditAccountKind: 'external-sink',
          category: 'groceries',
        }),
        transfer({
          transferId: 'admin',
          amountMinor: 700,
          kind: 'disbursement',
          debitAccountKind: 'treasury',
          creditAccountKind: 'external-sink',
          category: 'administration',
        }),
        transfer({ transferId: 'later', amountMinor: 99_000, postedAt: '2026-12-01T00:00:00.000Z' }),
      ],
      [],
    );
    expect(report.money).toEqual([
      {
        currency: 'EUR',
        inBySource: [
          { sourceKind: 'grant', amountMinor: 20_000 },
          { sourceKind: 'individual', amountMinor: 10_000 },
        ],
        totalInMinor: 30_000,
        outByCategory: [
          { category: 'administration', amountMinor: 700 },
          { category: 'groceries', amountMinor: 6_000 },
        ],
        totalOutMinor: 6_700,
        payoutsReversedMinor: 0,
        feesMinor: 300,
        balanceMinor: 5_000 + 30_000 - 300 - 6_700,
        adminOverheadPercent: 14.3,
      },
    ]);
  });

  it('takes a reversal off its original figure, and counts only people who both gave and received help', () => {
    const report = buildPublicReport(
      'pod-1',
      parsePeriod('2026-11'),
      [
        transfer({
          transferId: 'a-helps-b',
          unit: 'HOUR',
          amountMinor: 60,
          kind: 'time-exchange',
          debitAccountKind: 'member-time',
          creditAccountKind: 'member-time',
          debitMemberId: 'b',
          creditMemberId: 'a',
          category: null,
        }),
        transfer({
          transferId: 'b-helps-a',
          unit: 'HOUR',
          amountMinor: 30,
          kind: 'time-exchange',
          debitAccountKind: 'member-time',
          creditAccountKind: 'member-time',
          debitMemberId: 'a',
          creditMemberId: 'b',
          category: null,
        }),
        transfer({
          transferId: 'c-helps-a',
          unit: 'HOUR',
          amountMinor: 45,
          kind: 'time-exchange',
          debitAccountKind: 'member-time',
          creditAccountKind: 'member-time',
          debitMemberId: 'a',
          creditMemberId: 'c',
          category: null,
          reversed: true,
        }),
        transfer({
          transferId: 'undo',
          unit: 'HOUR',
          amountMinor: 45,
          kind: 'reversal',
          reversesKind: 'time-exchange',
          debitAccountKind: 'member-time',
          creditAccountKind: 'member-time',
          debitMemberId: 'c',
          creditMemberId: 'a',
          category: null,
          reversed: true,
        }),
        transfer({
          transferId: 'gift',
          unit: 'HOUR',
          amountMinor: 120,
          kind: 'time-gift',
          debitAccountKind: 'member-time',
          creditAccountKind: 'community-time-pool',
          debitMemberId: 'c',
          category: null,
        }),
      ],
      [],
    );
    expect(report.hours).toEqual({ exchangedMinutes: 90, giftedToPoolMinutes: 120, grantedFromPoolMinutes: 0, peopleWhoGaveAndReceived: 2 });
    expect(report.money).toEqual([]);
    expect(figureOf({ kind: 'reversal', reversesKind: 'contribution', unit: 'EUR', category: 'individual' })).toEqual({
      figure: 'money-in:EUR:individual',
      sign: -1,
    });
  });

  it('shows a reversed payout: taken off what went out, and said apart as money that came back', () => {
    const paid = transfer({
      transferId: 'paid',
      amountMinor: 3_000,
      kind: 'disbursement',
      debitAccountKind: 'treasury',
      creditAccountKind: 'external-sink',
      category: 'groceries',
      reversed: true,
    });
    const back = transfer({
      transferId: 'back',
      amountMinor: 3_000,
      kind: 'reversal',
      reversesKind: 'disbursement',
      debitAccountKind: 'external-sink',
      creditAccountKind: 'treasury',
      category: 'groceries',
      reversed: true,
    });
    const funded = transfer({ transferId: 'in', amountMinor: 10_000 });
    const report = buildPublicReport('pod-1', parsePeriod('2026-11'), [funded, paid, back], []);
    expect(report.money[0]).toMatchObject({ outByCategory: [], totalOutMinor: 0, payoutsReversedMinor: 3_000, balanceMinor: 10_000 });
    expect(publicReportCsv(report)).toContain('payouts_reversed,all,EUR,3000\r\n');
  });

  it('exports one figure per CSV row, quoting names and defusing spreadsheet formulas', () => {
    const report = buildPublicReport(
      'pod-1',
      parsePeriod('2026-11'),
      [transfer({ amountMinor: 1_000 })],
      [{ name: '=HYPERLINK("x"), Ana', currency: 'EUR', amountMinor: 1_000 }],
    );
    const csv = publicReportCsv(report);
    expect(csv.split('\r\n')[0]).toBe('section,key,unit,amount_minor');
    expect(csv).toContain('money_in,individual,EUR,1000\r\n');
    expect(csv).toContain('balance,treasury,EUR,1000\r\n');
    expect(csv).toContain(`named_donor,"'=HYPERLINK(""x""), Ana",EUR,1000\r\n`);
  });
});
