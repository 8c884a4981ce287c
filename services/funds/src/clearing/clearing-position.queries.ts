import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';

export interface ClearingLine {
  podId: string;
  counterpartyPodId: string;
  /** Positive: this pod owes the other pod these minutes (its members received more than they gave). */
  owedMinutes: number;
}

export interface SettledClearingLine {
  counterpartyPodId: string;
  owedMinutes: number;
  regionId: string | null;
  settledAt: string | null;
}

export interface RegionClearingPosition {
  regionId: string;
  lines: ClearingLine[];
  pods: { podId: string; netOwedMinutes: number }[];
  /** Always zero: every minute one pod owes, another is owed. */
  netMinutes: number;
}

/** What each pod of a region owes the others in hours, from the pods' clearing accounts. */
@Injectable()
export class ClearingPositionQueries {
  constructor(private readonly em: EntityManager) {}

  async regionOfPod(podId: string): Promise<string | null> {
    const [row] = await query<{ region_id: string }>(this.em.fork(), 'select region_id from funds_pods where pod_id = ?', [podId]);
    return row?.region_id ?? null;
  }

  /** Tokens name their region by slug (membership's region-created tells funds which id it stands for). */
  async regionBySlug(slug: string): Promise<string | null> {
    const [row] = await query<{ region_id: string }>(this.em.fork(), 'select region_id from funds_regions where slug = ?', [slug]);
    return row?.region_id ?? null;
  }

  async region(regionId: string): Promise<RegionClearingPosition> {
    const pods = await query<{ pod_id: string }>(this.em.fork(), 'select pod_id from funds_pods where region_id = ? order by pod_id', [regionId]);
    const lines: ClearingLine[] = [];
    // Accounts are pod-scoped (row-level security): each pod's clearing accounts are read in that pod's scope.
    for (const { pod_id: podId } of pods) {
      const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
        query<{ counterparty_pod_id: string; balance_minor: string }>(
          tx,
          `select counterparty_pod_id, balance_minor::text from accounts where kind = 'clearing' and pod_id = ? order by counterparty_pod_id`,
          [podId],
        ),
      );
      for (const row of rows) lines.push({ podId, counterpartyPodId: row.counterparty_pod_id, owedMinutes: Number(row.balance_minor) });
    }
    const net = new Map<string, number>();
    for (const line of lines) net.set(line.podId, (net.get(line.podId) ?? 0) + line.owedMinutes);
    return {
      regionId,
      lines,
      pods: pods.map(({ pod_id }) => ({ podId: pod_id, netOwedMinutes: net.get(pod_id) ?? 0 })),
      netMinutes: lines.reduce((sum, line) => sum + line.owedMinutes, 0),
    };
  }

  /** The pod's settled-clearing accounts, each with the region and time of the departure that carried its balance. */
  async settled(podId: string): Promise<SettledClearingLine[]> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ counterparty_pod_id: string; balance_minor: string; region_id: string | null; settled_at: Date | null }>(
        tx,
        `select a.counterparty_pod_id, a.balance_minor::text, t.source_id as region_id, t.posted_at as settled_at
         from accounts a
         left join lateral (select source_id, posted_at from transfers t
                            where t.kind = 'clearing-settlement' and (t.debit_account_id = a.id or t.credit_account_id = a.id)
                            order by t.seq desc limit 1) t on true
         where a.kind = 'settled-clearing' and a.pod_id = ?
         order by a.counterparty_pod_id`,
        [podId],
      ),
    );
    return rows.map((row) => ({
      counterpartyPodId: row.counterparty_pod_id,
      owedMinutes: Number(row.balance_minor),
      regionId: row.region_id,
      settledAt: row.settled_at ? new Date(row.settled_at).toISOString() : null,
    }));
  }
}
