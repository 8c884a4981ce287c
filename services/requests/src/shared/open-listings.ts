// What the open-request and open-offer listings share: filter conditions and keyset cursors.
import { cursorKey, opaqueCursor } from '@mutuo/platform';

export interface Page<Row> {
  readonly items: Row[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export class InvalidCursor extends Error {
  constructor() {
    super('The cursor is not one this API returned');
  }
}

/** What open requests and open offers are both filtered by: category, cell prefix and a window overlapping [from, until]. */
export interface OpenListingFilter {
  readonly category?: string;
  /** Geohash prefix: the cell and everything inside it. */
  readonly cellPrefix?: string;
  /** Listings whose window overlaps [from, until]. */
  readonly from?: string;
  readonly until?: string;
}

/** The SQL conditions (with their `?` parameters, in order) for an open listing; callers may push more. */
export function openListingConditions(filter: OpenListingFilter): { conditions: string[]; params: unknown[] } {
  const conditions = [`status = 'open'`];
  const params: unknown[] = [];
  if (filter.category) {
    conditions.push('category = ?');
    params.push(filter.category);
  }
  if (filter.cellPrefix) {
    conditions.push('location_cell like ?');
    params.push(`${filter.cellPrefix}%`);
  }
  if (filter.from) {
    conditions.push('(window_until is null or window_until >= ?)');
    params.push(filter.from);
  }
  if (filter.until) {
    conditions.push('(window_from is null or window_from <= ?)');
    params.push(filter.until);
  }
  return { conditions, params };
}

export function encodeCursor(row: { posted_at: Date; id: string }): string {
  return opaqueCursor(`${new Date(row.posted_at).toISOString()}|${row.id}`);
}

export function decodeCursor(cursor: string): { postedAt: Date; id: string } {
  const [postedAt, id] = cursorKey(cursor).split('|');
  const date = new Date(postedAt ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw new InvalidCursor();
  return { postedAt: date, id };
}
