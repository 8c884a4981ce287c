import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import type { IdempotentInput as Idempotent } from '@mutuo/event-store';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { SHARED_ITEM_CATEGORIES, SHARED_RESOURCE_KINDS, type OpeningHours } from '../domain/shared-resource.decider';
import { SharedResourceHandler } from './shared-resource.handler';
import { SharedResourcesQueries, type SharedResourceRow } from './shared-resources.queries';
import type { Resolvers } from '../graphql/schema.types';

function resourceView(row: SharedResourceRow, publicToken: string | null) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    location: { lat: row.lat, lon: row.lon },
    openingHours: row.opening_hours,
    stock: row.stock,
    lastUpdatedAt: row.last_updated_at ? new Date(row.last_updated_at).toISOString() : null,
    active: row.status === 'active',
    publicToken,
  };
}

export function sharedResourcesResolvers(app: INestApplication) {
  const resourceCommands = app.get(SharedResourceHandler);
  const resources = app.get(SharedResourcesQueries);

  const coordinatorResource = async (id: string, ctx: SubgraphContext) => {
    const podId = requirePod(ctx).podId;
    const row = await resources.byId(podId, id);
    return row ? resourceView(row, await resources.tokenOf(podId, id)) : null;
  };

  return {
    Query: {
      sharedResources: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const podId = requirePod(ctx).podId;
        const rows = await resources.inPod(podId);
        return Promise.all(rows.map(async (row) => resourceView(row, await resources.tokenOf(podId, row.id))));
      },
      /** Anonymous (the gateway lets it through without a token): shows only what the public page shows. */
      publicSharedResource: async (_: unknown, args: { token: string }) => {
        const row = await resources.byToken(args.token);
        return row ? resourceView(row, null) : null;
      },
    },
    Mutation: {
      registerSharedResource: async (
        _: unknown,
        {
          input,
        }: {
          input: {
            kind: string;
            name: string;
            location: { lat: number; lon: number };
            openingHours: { byDay: string; opensAt: string; closesAt: string }[];
          } & Idempotent;
        },
        ctx: SubgraphContext,
      ) => {
        const registered = await resourceCommands.register(
          {
            kind: fromGraphQLEnum(SHARED_RESOURCE_KINDS, input.kind),
            name: input.name,
            location: { lat: input.location.lat, lon: input.location.lon },
            // The schema has byDay as a String; the decider refuses a day outside MO..SU, naming the field.
            openingHours: input.openingHours.map(({ byDay, opensAt, closesAt }) => ({ byDay: byDay as OpeningHours['byDay'], opensAt, closesAt })),
          },
          ctx,
          input.idempotencyKey ?? null,
        );
        return {
          id: registered.resourceId,
          kind: registered.kind,
          name: registered.name,
          location: registered.location,
          openingHours: registered.openingHours,
          stock: [],
          lastUpdatedAt: null,
          active: true,
          publicToken: registered.publicToken,
        };
      },
      retireSharedResource: async (_: unknown, args: { resourceId: string }, ctx: SubgraphContext) => {
        await resourceCommands.retire(args.resourceId, ctx);
        return { ...(await coordinatorResource(args.resourceId, ctx)), active: false };
      },
      /** Anonymous: no identity reaches the command; the caller's address only feeds the per-IP limit. */
      recordSharedResourceEntry: async (
        _: unknown,
        { input }: { input: { token: string; direction: string; itemCategory: string; amount: number } },
        ctx: SubgraphContext,
      ) => {
        await resourceCommands.recordEntry(
          input.token,
          {
            direction: input.direction === 'TOOK' ? 'took' : 'left',
            itemCategory: fromGraphQLEnum(SHARED_ITEM_CATEGORIES, input.itemCategory),
            amount: input.amount,
          },
          ctx.clientIp,
          ctx.correlationId,
        );
        const row = await resources.byToken(input.token);
        if (!row) throw new DomainRuleViolation('RESOURCE_NOT_FOUND', 'This link does not lead to a shared resource', 'token');
        return resourceView(row, null);
      },
    },
    SharedResource: {
      kind: (resource: { kind: string }) => toGraphQLEnum(resource.kind),
    },
    StockLevel: {
      itemCategory: (level: { itemCategory: string }) => toGraphQLEnum(level.itemCategory),
    },
  } satisfies Resolvers;
}
