import type { INestApplication } from '@nestjs/common';
import { memberIdFor } from '@mutuo/contracts';
import type { IdempotentInput } from '@mutuo/event-store';
import { requireIdentity, requireScope, type SubgraphContext } from '@mutuo/platform';
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
      __resolveReference: (reference: { id: string }) => regions.byId(reference.id),
    },
    Pod: {
      __resolveReference: (reference: { id: string }, ctx: SubgraphContext) => {
        const identity = requireScope(ctx, 'members:read');
        return identity.podId ? pods.byId(identity.podId, reference.id) : null;
      },
    },
    Member: {
      // Another pod's member is not found (row-level security scopes the read to the caller's pod), unless a
      // standing match makes them the caller's counterpart. A member in a block with the caller is hidden too.
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        const identity = requireScope(ctx, 'members:read');
        if (!identity.podId || !isUuid(reference.id)) return null;
        return privacy.visibleMember(ctx, (await members.byId(identity.podId, reference.id)) ?? (await counterpartOf(ctx, reference.id)));
      },
      joinedAt: (member: { joinedAt: Date | string }) => iso(member.joinedAt),
    },
  };
}
