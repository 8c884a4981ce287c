import { URGENCIES } from '@mutuo/contracts';
import { geohashCell, parseGeoPolygon } from '@mutuo/domain';
import { badUserInput } from '@mutuo/platform';
import { fromGraphQLEnum } from '@mutuo/service-kit';
import { InvalidCursor, encodeCursor, type BrowseFilter } from './request-details.queries';
import { categoryFrom } from './help-input';

/** The most listings one page of a browse query returns. */
export const MAX_PAGE = 100;

export interface FilterInput {
  category?: string | null;
  urgency?: string | null;
  cellPrefix?: string | null;
  area?: unknown;
  from?: string | null;
  until?: string | null;
}

export interface BrowseArgs {
  first?: number | null;
  after?: string | null;
  filter?: FilterInput | null;
  scope?: 'POD' | 'REGION' | null;
}

export function browseFilter(input: FilterInput | null | undefined): BrowseFilter {
  if (!input) return {};
  const cellPrefix =
    input.cellPrefix == null ? null : geohashCell(input.cellPrefix, { field: 'filter.cellPrefix', minLength: 1, maxLength: 7, code: 'BAD_USER_INPUT' });
  for (const field of ['from', 'until'] as const) {
    const value = input[field];
    if (value != null && Number.isNaN(Date.parse(value))) throw badUserInput(`filter.${field}`, 'Give an ISO 8601 date-time');
  }
  return {
    ...(input.category ? { category: categoryFrom(input.category) } : {}),
    ...(input.urgency ? { urgency: fromGraphQLEnum(URGENCIES, input.urgency) } : {}),
    ...(cellPrefix ? { cellPrefix } : {}),
    ...(input.area ? { area: parseGeoPolygon(input.area, 'filter.area') } : {}),
    ...(input.from ? { from: new Date(input.from).toISOString() } : {}),
    ...(input.until ? { until: new Date(input.until).toISOString() } : {}),
  };
}

export function page<Row extends { posted_at: Date; id: string }, View>(
  result: { items: Row[]; endCursor: string | null; hasNextPage: boolean },
  view: (row: Row) => View,
) {
  return {
    edges: result.items.map((row) => ({ cursor: encodeCursor(row), node: view(row) })),
    endCursor: result.endCursor,
    hasNextPage: result.hasNextPage,
  };
}

export async function cursorChecked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidCursor) throw badUserInput('after', error.message);
    throw error;
  }
}
