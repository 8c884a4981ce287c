import type { INestApplication } from '@nestjs/common';
import { requireScope, type SubgraphContext } from '@mutuo/platform';
import { pageSize } from '../shared/keyset-page';
import { MemberPrivacy } from '../shared/member-privacy';
import { MemberDirectoryQueries } from './member-directory.queries';

const EMPTY = { edges: [], endCursor: null, hasNextPage: false };

/**
 * `Pod.members`: the member directory of the caller's own pod. Items are `Member`s, so their contact channels and
 * precise location stay behind the `Member` field rules; members in a block with the caller are left out.
 */
export function memberDirectoryResolvers(app: INestApplication) {
  const directory = app.get(MemberDirectoryQueries);
  const privacy = app.get(MemberPrivacy);

  return {
    Pod: {
      members: async (pod: { id: string }, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        const first = pageSize(args.first, 50);
        const identity = requireScope(ctx, 'members:read');
        if (identity.podId !== pod.id) return EMPTY;
        const page = await directory.activeMembers(pod.id, first, args.after);
        const visible = await Promise.all(page.edges.map(async (edge) => ((await privacy.visibleMember(ctx, edge.node)) ? edge : null)));
        return { ...page, edges: visible.filter((edge) => edge !== null) };
      },
    },
  };
}
