import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { inRegionTransaction, type BrowseScope } from '../shared/browse-scope';
import { decodeCursor, encodeCursor, openListingConditions, type OpenListingFilter, type Page } from '../shared/open-listings';

export interface OfferRow {
  id: string;
  pod_id: string;
  offerer_member_id: string;
  title: string;
  description: string;
  language: string;
  category: string;
  subcategory: string | null;
  window_from: Date | null;
  window_until: Date | null;
  window_rrule: string | null;
  window_duration_minutes: number | null;
  location_cell: string | null;
  visibility: string;
  quantity: number | null;
  remaining_quantity: number | null;
  status: string;
  close_reason: string | null;
  posted_at: Date;
  author_erased: boolean;
  version: number;
}

/** Reads of the offer board, inside the caller's pod. */
@Injectable()
export class OfferBoardQueries {
  constructor(private readonly em: EntityManager) {}

  async byId(podId: string, id: string): Promise<OfferRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    // Row-level security decides: any offer of the pod, or an open region/public one of the pod's region.
    const [row] = await inRegionTransaction(this.em.fork(), podId, (tx) => query<OfferRow>(tx, 'select * from offers where id = ?', [id]));
    return row ?? null;
  }

  /** Several offers in one query, each visible exactly when `byId` would find it; ids that are no UUID find nothing. */
  async byIds(podId: string, ids: readonly string[]): Promise<OfferRow[]> {
    const wellFormed = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (wellFormed.length === 0) return [];
    return inRegionTransaction(this.em.fork(), podId, (tx) =>
      query<OfferRow>(tx, 'select * from offers where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))', [JSON.stringify(wellFormed)]),
    );
  }

  /** Open offers newest first, by category and cell prefix, with the same cursor as requests. */
  openOffers(podId: string, first: number, after: string | null | undefined, filter: OpenListingFilter, scope: BrowseScope = 'pod'): Promise<Page<OfferRow>> {
    const position = after ? decodeCursor(after) : undefined;
    const inScope = scope === 'region' ? inRegionTransaction : inPodTransaction;
    return inScope(this.em.fork(), podId, async (tx) => {
      // In region scope, row-level security alone decides which other pods' offers show.
      const podCondition = scope === 'region' ? 'true' : 'pod_id = ?';
      const { conditions, params } = openListingConditions(filter);
      if (position) {
        conditions.push('(posted_at, id) < (?, ?)');
        params.push(position.postedAt.toISOString(), position.id);
      }
      const rows = await query<OfferRow>(
        tx,
        `select * from offers where ${podCondition} and ${conditions.join(' and ')} order by posted_at desc, id desc limit ?`,
        [...(scope === 'region' ? [] : [podId]), ...params, first + 1],
      );
      const items = rows.slice(0, first);
      const last = items[items.length - 1];
      return { items, endCursor: last ? encodeCursor(last) : null, hasNextPage: rows.length > first };
    });
  }
}
