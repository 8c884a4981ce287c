import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '@mutuo/domain';
import { inPodTransaction } from '@mutuo/event-store';
import { badUserInput, cursorKey, opaqueCursor } from '@mutuo/platform';
import { MemberViewSchema, type MemberView } from '../shared/member.entity';

export interface MemberDirectoryPage {
  readonly edges: { readonly cursor: string; readonly node: MemberView }[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/** The pod's active members by display name, then id, read inside the caller's pod only (row-level security). */
@Injectable()
export class MemberDirectoryQueries {
  constructor(private readonly em: EntityManager) {}

  /** The cursor is the last row's (displayName, id): a stable, unique sort key, so pages neither skip nor repeat. */
  activeMembers(podId: string, first: number, after?: string | null): Promise<MemberDirectoryPage> {
    const position = after === null || after === undefined ? undefined : decodeDirectoryCursor(after);
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await tx.find(
        MemberViewSchema,
        {
          status: 'active',
          ...(position ? { $or: [{ displayName: { $gt: position.displayName } }, { displayName: position.displayName, id: { $gt: position.id } }] } : {}),
        },
        { orderBy: [{ displayName: 'asc' }, { id: 'asc' }], limit: first + 1 },
      );
      const edges = rows.slice(0, first).map((node) => ({ cursor: encodeDirectoryCursor(node), node }));
      return { edges, endCursor: edges[edges.length - 1]?.cursor ?? null, hasNextPage: rows.length > first };
    });
  }
}

export function encodeDirectoryCursor(row: Pick<MemberView, 'displayName' | 'id'>): string {
  return opaqueCursor(JSON.stringify([row.displayName, row.id]));
}

/** The sort key in a cursor this API returned; anything else is a BAD_USER_INPUT naming `after`. */
function decodeDirectoryCursor(cursor: string): { displayName: string; id: string } {
  try {
    const key: unknown = JSON.parse(cursorKey(cursor));
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'string' && typeof key[1] === 'string' && isUuid(key[1])) {
      return { displayName: key[0], id: key[1] };
    }
  } catch {
    // falls through to the refusal
  }
  throw badUserInput('after', 'The cursor is not one this API returned');
}
