import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import type { GeoPolygon } from '@mutuo/domain';
import { REGION_READ_SETTING } from '../shared/policy-settings';
import { decodeCursor, toConnection, type Connection } from '../shared/keyset-page';

export type PodApplicationStatus = 'pending' | 'approved' | 'declined';

export interface PodApplicationView {
  readonly id: string;
  readonly regionId: string;
  readonly applicantPersonId: string;
  readonly applicantDisplayName: string;
  readonly name: string;
  readonly description: string;
  readonly languages: readonly string[];
  readonly timezone: string;
  readonly serviceArea: GeoPolygon;
  readonly status: PodApplicationStatus;
  readonly declineReason: string | null;
  readonly submittedAt: string;
  readonly decidedAt: string | null;
}

interface ApplicationRow {
  pod_id: string;
  region_id: string;
  applicant_person_id: string;
  applicant_display_name: string;
  name: string;
  description: string;
  languages: string[];
  timezone: string;
  service_area: GeoPolygon;
  status: PodApplicationStatus;
  decline_reason: string | null;
  submitted_at: Date | string;
  decided_at: Date | string | null;
}

const COLUMNS = `pod_id, region_id, applicant_person_id, applicant_display_name, name, description, languages, timezone, service_area,
  status, decline_reason, submitted_at, decided_at`;

const iso = (value: Date | string) => new Date(value).toISOString();

function toView(row: ApplicationRow): PodApplicationView {
  return {
    id: row.pod_id,
    regionId: row.region_id,
    applicantPersonId: row.applicant_person_id,
    applicantDisplayName: row.applicant_display_name,
    name: row.name,
    description: row.description,
    languages: row.languages,
    timezone: row.timezone,
    serviceArea: row.service_area,
    status: row.status,
    declineReason: row.decline_reason,
    submittedAt: iso(row.submitted_at),
    decidedAt: row.decided_at === null ? null : iso(row.decided_at),
  };
}

/** Pod applications: one region's, for its stewards (oldest first, so the longest waiting come first), or one by id. */
@Injectable()
export class PodApplicationQueries {
  constructor(private readonly em: EntityManager) {}

  inRegion(regionId: string, status: PodApplicationStatus, first: number, after?: string | null): Promise<Connection<PodApplicationView>> {
    const cursor = decodeCursor(after);
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [REGION_READ_SETTING, regionId]);
      const rows = await query<ApplicationRow>(
        tx,
        `select ${COLUMNS} from pod_applications
         where region_id = ? and status = ? and (?::timestamptz is null or (submitted_at, pod_id) > (?::timestamptz, ?::uuid))
         order by submitted_at, pod_id limit ?`,
        [regionId, status, cursor?.[0] ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, first + 1],
      );
      return toConnection(rows, first, (row) => [iso(row.submitted_at), row.pod_id], toView);
    });
  }

  async byId(applicationId: string): Promise<PodApplicationView | null> {
    const [row] = await inPodTransaction(this.em.fork(), applicationId, (tx) =>
      query<ApplicationRow>(tx, `select ${COLUMNS} from pod_applications where pod_id = ?`, [applicationId]),
    );
    return row ? toView(row) : null;
  }
}
