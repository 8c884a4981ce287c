import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import { forbidden, requireIdentity, requirePod, type SubgraphContext } from '@mutuo/platform';
import { ClearingPositionQueries } from './clearing-position.queries';
import type { Resolvers } from '../graphql/schema.types';

export function clearingResolvers(app: INestApplication) {
  const clearing = app.get(ClearingPositionQueries);

  return {
    Query: {
      clearingPosition: async (_: unknown, __: unknown, ctx: SubgraphContext) => {
        // A member's region is their pod's; a token's region claim is a slug, never an id.
        const { podId, regionId: regionSlug } = requireIdentity(ctx);
        if (!podId && !regionSlug) throw forbidden('This needs a pod or a region: your token names neither');
        const regionId = podId ? await clearing.regionOfPod(podId) : regionSlug ? await clearing.regionBySlug(regionSlug) : null;
        if (!regionId) throw new DomainRuleViolation('REGION_NOT_FOUND', 'Funds does not know your region yet', 'region');
        return clearing.region(regionId);
      },
      settledClearing: async (_: unknown, __: unknown, ctx: SubgraphContext) => clearing.settled(requirePod(ctx).podId),
    },
  } satisfies Resolvers;
}
