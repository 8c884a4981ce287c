import { isUuid } from '@mutuo/domain';
import { badUserInput, cursorKey, opaqueCursor } from '@mutuo/platform';

/** One page of a list ordered by a key that never changes for an item (a time, then an id), as GraphQL returns it. */
export interface Connection<Node> {
  readonly edges: { readonly cursor: string; readonly node: Node }[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export const MAX_PAGE_SIZE = 100;

/** `first` as the client gave it: 1 to MAX_PAGE_SIZE, else a BAD_USER_INPUT naming `first`. */
export function pageSize(first: number | null | undefined, defaultSize = 20): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badUserInput('first', `first must be 1 to ${MAX_PAGE_SIZE}`);
  return size;
}

/** Opaque to clients: the sort key of the last item, as base64url JSON. */
export function encodeCursor(key: readonly [string, string]): string {
  return opaqueCursor(JSON.stringify(key));
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The sort key (a time, then an id) in a cursor this API returned; anything else is a BAD_USER_INPUT naming
 * `after`, checked here so that no crafted cursor reaches SQL as something it cannot cast.
 */
export function decodeCursor(cursor: string | null | undefined): readonly [string, string] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const key: unknown = JSON.parse(cursorKey(cursor));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'string' && typeof key[1] === 'string') {
      const [time, id] = key as [string, string];
      if (ISO_TIME.test(time) && !Number.isNaN(Date.parse(time)) && isUuid(id)) return [time, id];
    }
  } catch {
    // falls through to the refusal
  }
  throw badUserInput('after', 'The cursor is not one this API returned');
}

/** Rows fetched with `limit size + 1`: the extra row only says there is a next page. */
export function toConnection<Row, Node>(
  rows: readonly Row[],
  size: number,
  key: (row: Row) => readonly [string, string],
  node: (row: Row) => Node,
): Connection<Node> {
  const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(key(row)), node: node(row) }));
  return { edges, endCursor: edges[edges.length - 1]?.cursor ?? null, hasNextPage: rows.length > size };
}
