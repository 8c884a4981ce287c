import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { decodeCursor, toConnection, type Connection } from '../../shared/keyset-page';
import { MEMBER_IN_LIST } from '../../shared/member-settings.queries';
import type { AgreementsVersion } from './agreements.handler';

interface AgreementsRow {
  pod_id: string;
  version: number;
  text: string;
  published_at: Date | string;
  published_by_member_id: string;
}

interface AcknowledgementRow {
  member_id: string;
  joined_at: Date | string;
  version: number | null;
  acknowledged_at: Date | string | null;
}

export interface AcknowledgementView {
  readonly memberId: string;
  readonly version: number | null;
  readonly acknowledgedAt: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** A pod's agreements and who acknowledged which version, read inside the pod (row-level security). */
@Injectable()
export class AgreementsQueries {
  constructor(private readonly em: EntityManager) {}

  /** The version asked for, or the latest; null when there is no such version. */
  async version(podId: string, version?: number | null): Promise<AgreementsVersion | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<AgreementsRow>(
        tx,
        `select pod_id, version, text, published_at, published_by_member_id from pod_agreements
         where pod_id = ? and (?::int is null or version = ?::int) order by version desc limit 1`,
        [podId, version ?? null, version ?? null],
      ),
    );
    if (!row) return null;
    return { podId: row.pod_id, version: row.version, text: row.text, publishedAt: iso(row.published_at), publishedByMemberId: row.published_by_member_id };
  }

  /** The pod's current members in the order they joined, each with the version they acknowledged last (if any). */
  acknowledgements(podId: string, first: number, after?: string | null): Promise<Connection<AcknowledgementView>> {
    const cursor = decodeCursor(after);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await query<AcknowledgementRow>(
        tx,
        `select m.id as member_id, m.joined_at, a.version, a.acknowledged_at
         from members m left join member_agreement_acknowledgements a on a.member_id = m.id
         where m.pod_id = ? and m.status = 'active'
           and (?::timestamptz is null or (m.joined_at, m.id) > (?::timestamptz, ?::uuid))
         order by m.joined_at, m.id limit ?`,
        [podId, cursor?.[0] ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, first + 1],
      );
      return toConnection(
        rows,
        first,
        (row) => [iso(row.joined_at), row.member_id],
        (row) => ({ memberId: row.member_id, version: row.version, acknowledgedAt: row.acknowledged_at === null ? null : iso(row.acknowledged_at) }),
      );
    });
  }

  async acknowledgedVersions(podId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ member_id: string; version: number }>(tx, `select member_id, version from member_agreement_acknowledgements where ${MEMBER_IN_LIST}`, [
        JSON.stringify(memberIds),
      ]),
    );
    return new Map(rows.map((row) => [row.member_id, row.version]));
  }
}
