import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { RequestDetailsSchema, type RequestDetails } from './request-details.entity';

export interface RequestPage {
  readonly items: RequestDetails[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export class InvalidCursor extends Error {
  constructor() {
    super('The cursor is not one this API returned');
  }
}

/** Reads of the request-details read model, always inside the caller's pod (row-level security). */
@Injectable()
export class RequestDetailsQueries {
  constructor(private readonly em: EntityManager) {}

  byId(podId: string, id: string): Promise<RequestDetails | null> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(RequestDetailsSchema, { id }));
  }

  /** Newest first; the cursor is the last row's (postedAt, id), so pages stay stable while requests arrive. */
  openRequests(podId: string, first: number, after?: string | null): Promise<RequestPage> {
    const position = after ? decodeCursor(after) : undefined;
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await tx.find(
        RequestDetailsSchema,
        {
          status: 'open',
          ...(position
            ? { $or: [{ postedAt: { $lt: position.postedAt } }, { postedAt: position.postedAt, id: { $lt: position.id } }] }
            : {}),
        },
        { orderBy: [{ postedAt: 'desc' }, { id: 'desc' }], limit: first + 1 },
      );
      const items = rows.slice(0, first);
      const last = items[items.length - 1];
      return { items, endCursor: last ? encodeCursor(last) : null, hasNextPage: rows.length > first };
    });
  }
}

export function encodeCursor(row: Pick<RequestDetails, 'postedAt' | 'id'>): string {
  return Buffer.from(`${row.postedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { postedAt: Date; id: string } {
  const [postedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(postedAt ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw new InvalidCursor();
  return { postedAt: date, id };
}
