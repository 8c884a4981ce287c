import type { INestApplication } from '@nestjs/common';
import { memberIdFor } from '@mutuo/contracts';
import type { IdempotentInput } from '@mutuo/event-store';
import { batchLoader, perRequest, requireIdentity, requireScope, type SubgraphContext } from '@mutuo/platform';
import { CreatePodHandler } from '../create-pod/create-pod.handler';
import { CreateRegionHandler } from '../create-region/create-region.handler';
import { JoinPodHandler } from '../pod-admission/join-pod/join-pod.handler';
import { isUuid } from '@mutuo/domain';
import { MemberQueries } from '../shared/member.queries';
import { PodQueries } from '../pods/pod.queries';
import { MemberPrivacy } from '../shared/member-privacy';
import { RegionQueries } from '../regions/region.queries';

interface CreateRegionArgs {
  input: { name: string; slug: string } & IdempotentInput;
}
interface CreatePodArgs {
  input: { regionId: string; name: string; languages: string[]; timezone: string } & IdempotentInput;
}
interface JoinPodArgs {
  input: { podId?: string | null; displayName: string; preferredLanguage?: string | null; inviteCode?: string | null; agreementsVersion?: number | null };
}

const iso = (value: Date | string) => new Date(value).toISOString();
const byId = <Row extends { id: string }>(rows: readonly Row[]) => new Map(rows.map((row) => [row.id, row]));

export function membershipResolvers(app: INestApplication) {
  const createRegion = app.get(CreateRegionHandler);
  const createPod = app.get(CreatePodHandler);
  const joinPod = app.get(JoinPodHandler);
  const members = app.get(MemberQueries);
  // A member of another pod, found only when a standing match makes them the caller's counterpart.
  const counterpartOf = async (ctx: SubgraphContext, memberId: string) => {
    const podId = await privacy.counterpartPodOf(ctx, memberId);
    return podId ? members.byId(podId, memberId) : null;
  };
  const pods = app.get(PodQueries);
  const regions = app.get(RegionQueries);
  const privacy = app.get(MemberPrivacy);
  // The gateway sends every reference of one response in one call: each type's lookups become one query.
  const references = perRequest((ctx: SubgraphContext) => {
    const podId = ctx.identity?.podId;
    return {
      region: batchLoader(async (ids) => byId(await regions.byIds(ids))),
      pod: batchLoader(async (ids) => (podId ? byId(await pods.byIds(podId, ids)) : new Map())),
      // Blocks with the viewer come in the same query, so the privacy check of each member reads nothing more.
      member: batchLoader(async (ids) => {
        if (!podId) return new Map();
        const seen = await members.byIdsSeenBy(podId, privacy.viewer(ctx).memberId, ids);
        privacy.rememberBlocks(ctx, seen);
        return new Map(seen.map(({ member }) => [member.id, member]));
      }),
    };
  });

  return {
    Query: {
      me: (_: unknown, __: unknown, ctx: SubgraphContext) => {
        const identity = requireIdentity(ctx);
        return identity.podId ? members.byId(identity.podId, memberIdFor(identity.podId, identity.subject)) : null;
      },
      pod: (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const identity = requireScope(ctx, 'members:read');
        return identity.podId ? pods.byId(identity.podId, args.id) : null;
      },
    },
    Mutation: {
      createRegion: async (_: unknown, { input: { idempotencyKey, ...input } }: CreateRegionArgs, ctx: SubgraphContext) => {
        const region = await createRegion.handle(input, ctx, idempotencyKey ?? null);
        return { id: region.regionId, name: region.name, slug: region.slug };
      },
      createPod: async (_: unknown, { input: { idempotencyKey, ...input } }: CreatePodArgs, ctx: SubgraphContext) => {
        const pod = await createPod.handle(input, ctx, idempotencyKey ?? null);
        return { id: pod.podId, ...pod };
      },
      joinPod: async (_: unknown, { input }: JoinPodArgs, ctx: SubgraphContext) => {
        const member = await joinPod.handle(input, ctx);
        return { id: member.memberId, ...member };
      },
    },
    Region: {
      // An id that is no UUID is looked up alone, so its failure stays its own and does not fail the batch.
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) =>
        isUuid(reference.id) ? ((await references(ctx).region.load(reference.id)) ?? null) : regions.byId(reference.id),
    },
    Pod: {
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        const identity = requireScope(ctx, 'members:read');
        if (!identity.podId) return null;
        return isUuid(reference.id) ? ((await references(ctx).pod.load(reference.id)) ?? null) : pods.byId(identity.podId, reference.id);
      },
    },
    Member: {
      // Another pod's member is not found (row-level security scopes the read to the caller's pod), unless a
      // standing match makes them the caller's counterpart. A member in a block with the caller is hidden too.
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        const identity = requireScope(ctx, 'members:read');
        if (!identity.podId || !isUuid(reference.id)) return null;
        return privacy.visibleMember(ctx, (await references(ctx).member.load(reference.id)) ?? (await counterpartOf(ctx, reference.id)));
      },
      joinedAt: (member: { joinedAt: Date | string }) => iso(member.joinedAt),
    },
  };
}
