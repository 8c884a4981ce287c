import type { INestApplication } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { requireIdentity, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { requireUuid } from './input';
import { pageSize } from '../shared/keyset-page';
import { JoinRegionHandler } from './join-region.handler';
import { LeaveRegionHandler } from './leave-region.handler';
import { PodApplicationHandler, type ApplyToRegionInput } from './pod-application.handler';
import { PodApplicationQueries, type PodApplicationStatus } from './pod-application.queries';
import { PodFacts } from '../shared/pod-facts';

const APPLICATION_STATUSES = ['pending', 'approved', 'declined'] as const satisfies readonly PodApplicationStatus[];

interface PodApplicationsArgs {
  regionId: string;
  status?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Pods applying to regions, leaving them and being admitted to another. */
export function podAdmissionResolvers(app: INestApplication) {
  const applications = app.get(PodApplicationHandler);
  const leaving = app.get(LeaveRegionHandler);
  const joining = app.get(JoinRegionHandler);
  const queries = app.get(PodApplicationQueries);
  const facts = app.get(PodFacts);
  const em = app.get(EntityManager);

  return {
    Query: {
      podApplications: async (_: unknown, args: PodApplicationsArgs, ctx: SubgraphContext) => {
        const regionId = requireUuid('regionId', args.regionId);
        const first = pageSize(args.first);
        await facts.requireRegionSteward(em.fork(), ctx, regionId);
        return queries.inRegion(regionId, fromGraphQLEnum(APPLICATION_STATUSES, args.status ?? 'PENDING'), first, args.after);
      },
      podApplication: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const identity = requireIdentity(ctx);
        const application = await queries.byId(requireUuid('id', args.id));
        if (!application) return null;
        if (application.applicantPersonId === identity.subject) return application;
        return (await facts.isRegionSteward(em.fork(), ctx, application.regionId)) ? application : null;
      },
    },
    Mutation: {
      applyToRegion: (_: unknown, { input }: { input: ApplyToRegionInput }, ctx: SubgraphContext) => applications.submit(input, ctx),
      approvePodApplication: async (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => {
        const pod = await applications.approve(id, ctx);
        return { id: pod.podId, ...pod };
      },
      declinePodApplication: (_: unknown, { input }: { input: { id: string; reason: string } }, ctx: SubgraphContext) => applications.decline(input, ctx),
      leaveRegion: async (_: unknown, args: { input?: { reason?: string | null } | null }, ctx: SubgraphContext) => {
        const pod = await leaving.leave({ reason: args.input?.reason ?? null }, ctx);
        return { id: pod.podId, ...pod };
      },
      admitPodToRegion: async (_: unknown, { input }: { input: { podId: string; regionId: string } }, ctx: SubgraphContext) => {
        const pod = await joining.admit({ podId: requireUuid('podId', input.podId), regionId: requireUuid('regionId', input.regionId) }, ctx);
        return { id: pod.podId, ...pod };
      },
    },
    PodApplication: {
      id: (application: { id?: string; applicationId?: string }) => application.id ?? application.applicationId,
      status: (application: { status: string }) => toGraphQLEnum(application.status),
    },
  };
}
