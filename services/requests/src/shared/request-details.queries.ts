import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { isPointInPolygon, type GeoPolygon } from '@mutuo/domain';
import { inPodTransaction, query } from '@mutuo/event-store';
import { IN_CALLER_POD_SQL, inRegionTransaction, type BrowseScope } from '../shared/browse-scope';
import { decodeCursor, encodeCursor, openListingConditions, type OpenListingFilter, type Page } from '../shared/open-listings';

// The resolvers read these from here too.
export { encodeCursor, InvalidCursor } from '../shared/open-listings';

/** Every column, but a precise point only for rows of the caller's own pod: it never leaves the pod. */
const REQUEST_COLUMNS = `*, case when ${IN_CALLER_POD_SQL} then precise_lat end as precise_lat, case when ${IN_CALLER_POD_SQL} then precise_lon end as precise_lon`;

/** A request row as the read model keeps it (snake_case columns). */
export interface RequestRow {
  id: string;
  pod_id: string;
  requester_member_id: string;
  posted_by_member_id: string | null;
  anonymous: boolean;
  title: string;
  description: string;
  language: string;
  category: string;
  subcategory: string | null;
  urgency: string;
  status: string;
  posted_at: Date;
  respond_by: Date | null;
  window_from: Date | null;
  window_until: Date | null;
  window_rrule: string | null;
  window_duration_minutes: number | null;
  location_cell: string | null;
  cell_lat: number | null;
  cell_lon: number | null;
  precise_lat: number | null;
  precise_lon: number | null;
  visibility: string;
  quantity: number | null;
  incident_id: string | null;
  first_matched_at: Date | null;
  fulfilled_at: Date | null;
  closed_at: Date | null;
  helper_member_ids: string[];
  hours_given_minutes: number | null;
  author_erased: boolean;
  version: number;
}

export interface TimelineRow {
  position: number;
  kind: string;
  at: Date;
  actor_member_id: string | null;
  details: Record<string, unknown>;
}

export interface BrowseFilter extends OpenListingFilter {
  readonly urgency?: string;
  readonly area?: GeoPolygon;
}

const AREA_SCAN_BATCH = 200;

/** Reads of the request read models, always inside the caller's pod (row-level security). */
@Injectable()
export class RequestDetailsQueries {
  constructor(private readonly em: EntityManager) {}

  async byId(podId: string, id: string): Promise<RequestRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    // Row-level security decides: any row of the pod, or an open region/public one of the pod's region.
    const [row] = await inRegionTransaction(this.em.fork(), podId, (tx) =>
      query<RequestRow>(tx, `select ${REQUEST_COLUMNS} from request_details where id = ?`, [id]),
    );
    return row ?? null;
  }

  /** Several requests in one query, each visible exactly when `byId` would find it; ids that are no UUID find nothing. */
  async byIds(podId: string, ids: readonly string[]): Promise<RequestRow[]> {
    const wellFormed = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (wellFormed.length === 0) return [];
    return inRegionTransaction(this.em.fork(), podId, (tx) =>
      query<RequestRow>(tx, `select ${REQUEST_COLUMNS} from request_details where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`, [
        JSON.stringify(wellFormed),
      ]),
    );
  }

  timeline(podId: string, id: string): Promise<TimelineRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<TimelineRow>(tx, 'select position, kind, at, actor_member_id, details from request_timeline where request_id = ? order by position', [id]),
    );
  }

  /**
   * Open requests newest first; the cursor is the last row's (posted_at, id), so pages stay stable while requests
   * arrive. Category, urgency and cell prefix use the partial indexes on open requests; an area first narrows by its
   * bounding box in SQL, then keeps the cells whose centre lies in the polygon, reading on until the page is full.
   */
  openRequests(
    podId: string,
    first: number,
    after: string | null | undefined,
    filter: BrowseFilter = {},
    scope: BrowseScope = 'pod',
  ): Promise<Page<RequestRow>> {
    const position = after ? decodeCursor(after) : undefined;
    const inScope = scope === 'region' ? inRegionTransaction : inPodTransaction;
    return inScope(this.em.fork(), podId, async (tx) => {
      // In region scope, row-level security alone decides which other pods' rows show.
      const podCondition = scope === 'region' ? 'true' : 'pod_id = ?';
      const { conditions, params } = openListingConditions(filter);
      if (filter.urgency) {
        conditions.push('urgency = ?');
        params.push(filter.urgency);
      }
      if (filter.area) {
        const box = boundingBox(filter.area);
        conditions.push('cell_lat between ? and ? and cell_lon between ? and ?');
        params.push(box.south, box.north, box.west, box.east);
      }
      const items: RequestRow[] = [];
      let cursor = position;
      let more = true;
      const batch = filter.area ? Math.max(AREA_SCAN_BATCH, first + 1) : first + 1;
      while (items.length <= first && more) {
        const rows = await query<RequestRow>(
          tx,
          `select ${REQUEST_COLUMNS} from request_details where ${podCondition} and ${conditions.join(' and ')}
           ${cursor ? 'and (posted_at, id) < (?, ?)' : ''}
           order by posted_at desc, id desc limit ?`,
          [...(scope === 'region' ? [] : [podId]), ...params, ...(cursor ? [cursor.postedAt.toISOString(), cursor.id] : []), batch],
        );
        more = rows.length === batch && Boolean(filter.area);
        const last = rows[rows.length - 1];
        if (last) cursor = { postedAt: new Date(last.posted_at), id: last.id };
        for (const row of rows) {
          if (filter.area && !isPointInPolygon({ lat: row.cell_lat!, lon: row.cell_lon! }, filter.area)) continue;
          items.push(row);
          if (items.length > first) break;
        }
      }
      const page = items.slice(0, first);
      const lastItem = page[page.length - 1];
      return { items: page, endCursor: lastItem ? encodeCursor(lastItem) : null, hasNextPage: items.length > first };
    });
  }
}

function boundingBox(area: GeoPolygon): { south: number; north: number; west: number; east: number } {
  const outline = area.coordinates[0]!;
  const lats = outline.map(([, lat]) => lat);
  const lons = outline.map(([lon]) => lon);
  return { south: Math.min(...lats), north: Math.max(...lats), west: Math.min(...lons), east: Math.max(...lons) };
}
