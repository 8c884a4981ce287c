import type { INestApplication } from '@nestjs/common';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { PodResponseTargets } from '../shared/response-targets';
import type { Resolvers } from '../graphql/schema.types';

const targetsView = (targets: { emergency: number; urgent: number; normal: number }) => ({
  emergencyHours: targets.emergency,
  urgentHours: targets.urgent,
  normalHours: targets.normal,
});

export function responseTargetsResolvers(app: INestApplication) {
  const responseTargets = app.get(PodResponseTargets);

  return {
    Query: {
      responseTargets: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return targetsView(await responseTargets.of(requirePod(ctx).podId));
      },
    },
    Mutation: {
      setResponseTargets: async (
        _: unknown,
        { input }: { input: { emergencyHours: number; urgentHours: number; normalHours: number } },
        ctx: SubgraphContext,
      ) => targetsView(await responseTargets.tune({ emergency: input.emergencyHours, urgent: input.urgentHours, normal: input.normalHours }, ctx)),
    },
  } satisfies Resolvers;
}
