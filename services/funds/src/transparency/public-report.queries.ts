import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { buildPublicReport, figureOf, isPayoutReversal, parsePeriod, type NamedDonor, type PublicReport, type ReportTransfer } from '../domain/public-report';

interface ReportRow {
  id: string;
  unit: string;
  amount_minor: string;
  kind: ReportTransfer['kind'];
  debit_kind: ReportTransfer['debitAccountKind'];
  credit_kind: ReportTransfer['creditAccountKind'];
  debit_member_id: string | null;
  credit_member_id: string | null;
  category: string | null;
  reverses_kind: ReportTransfer['kind'] | null;
  reverses_category: string | null;
  reversed: boolean;
  posted_at: Date | string;
}

/** The public report, built from the ledger's transfers only (see buildPublicReport), and the trace behind each figure. */
@Injectable()
export class PublicReportQueries {
  constructor(private readonly em: EntityManager) {}

  async podExists(podId: string): Promise<boolean> {
    const rows = await query(this.em.fork(), 'select 1 from funds_pods where pod_id = ?', [podId]);
    return rows.length > 0;
  }

  async report(podId: string, periodLabel: string): Promise<PublicReport> {
    const period = parsePeriod(periodLabel);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const transfers = await this.transfersUntil(tx, podId, period.until);
      const donors = await query<{ name: string; currency: string; amount_minor: string }>(
        tx,
        `select n.text as name, c.currency, sum(c.amount_minor)::text as amount_minor
         from contributions c join funds_personal_texts n on n.id = c.donor_name_text_id
         where c.name_shown_publicly and not c.anonymous and c.recorded_at >= ? and c.recorded_at < ?
           and not exists (select 1 from transfers r where r.reverses_transfer_id = c.transfer_id)
         group by n.text, c.currency order by n.text, c.currency`,
        [period.from, period.until],
      );
      const named: NamedDonor[] = donors.map((row) => ({ name: row.name, currency: row.currency, amountMinor: Number(row.amount_minor) }));
      return buildPublicReport(podId, period, transfers, named);
    });
  }

  /** The transfers behind one figure of the report (`money-in:EUR:individual`, `fees:EUR`, `hours-exchanged`...). */
  async trace(podId: string, periodLabel: string, figure: string): Promise<string[]> {
    const period = parsePeriod(periodLabel);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const transfers = await this.transfersUntil(tx, podId, period.until);
      if (figure.startsWith('balance:')) {
        const currency = figure.slice('balance:'.length);
        return transfers
          .filter((t) => t.unit === currency && (t.debitAccountKind === 'treasury' || t.creditAccountKind === 'treasury'))
          .map((t) => t.transferId);
      }
      const inPeriod = transfers.filter((t) => t.postedAt >= period.from);
      if (figure.startsWith('admin-overhead:')) {
        const currency = figure.slice('admin-overhead:'.length);
        // Everything that left the treasury (the denominator); fees and the administration category are the numerator.
        return inPeriod
          .filter((t) => {
            const counted = figureOf(t)?.figure;
            return counted !== undefined && (counted.startsWith(`money-out:${currency}:`) || counted === `fees:${currency}`);
          })
          .map((t) => t.transferId);
      }
      if (figure.startsWith('payouts-reversed:')) {
        const currency = figure.slice('payouts-reversed:'.length);
        return inPeriod.filter((t) => t.unit === currency && isPayoutReversal(t)).map((t) => t.transferId);
      }
      if (figure === 'people-gave-and-received') {
        // The time legs still standing between members who both gave and received in the period.
        const legs = inPeriod.filter((t) => (t.kind === 'time-exchange' || t.kind === 'clearing') && !t.reversed);
        const gave = new Set(legs.flatMap((t) => (t.creditAccountKind === 'member-time' && t.creditMemberId ? [t.creditMemberId] : [])));
        const received = new Set(legs.flatMap((t) => (t.debitAccountKind === 'member-time' && t.debitMemberId ? [t.debitMemberId] : [])));
        const both = (memberId: string | null) => memberId !== null && gave.has(memberId) && received.has(memberId);
        return legs.filter((t) => both(t.creditMemberId) || both(t.debitMemberId)).map((t) => t.transferId);
      }
      return inPeriod.filter((t) => figureOf(t)?.figure === figure).map((t) => t.transferId);
    });
  }

  private async transfersUntil(tx: EntityManager, podId: string, until: string): Promise<ReportTransfer[]> {
    const rows = await query<ReportRow>(
      tx,
      `select t.id, t.unit, t.amount_minor::text, t.kind, d.kind as debit_kind, c.kind as credit_kind, d.member_id as debit_member_id,
              c.member_id as credit_member_id, t.category, o.kind as reverses_kind, o.category as reverses_category,
              exists (select 1 from transfers r where r.reverses_transfer_id = t.id) as reversed, t.posted_at
       from transfers t
       join accounts d on d.id = t.debit_account_id
       join accounts c on c.id = t.credit_account_id
       left join transfers o on o.id = t.reverses_transfer_id
       where t.pod_id = ? and t.posted_at < ?
       order by t.seq`,
      [podId, until],
    );
    return rows.map((row) => ({
      transferId: row.id,
      unit: row.unit,
      amountMinor: Number(row.amount_minor),
      kind: row.kind,
      debitAccountKind: row.debit_kind,
      creditAccountKind: row.credit_kind,
      debitMemberId: row.debit_member_id,
      creditMemberId: row.credit_member_id,
      category: row.kind === 'reversal' ? row.reverses_category : row.category,
      reversesKind: row.reverses_kind,
      reversed: row.reversed || row.kind === 'reversal',
      postedAt: new Date(row.posted_at).toISOString(),
    }));
  }
}
