import type { INestApplication } from '@nestjs/common';
import { Clock } from '@mutuo/service-kit';
import { EntityManager } from '@mikro-orm/postgresql';
import type { SubgraphContext } from '@mutuo/platform';
import type { FundsPolicy, FundsPolicyChanges } from '../domain/pod-funds-policy.decider';
import { fundsCaller } from '../funds.caller';
import { PodRoles } from '../shared/pod-roles.repository';
import { podOf } from '../shared/funds-views';
import { FundsPolicies } from '../shared/funds-policies.repository';
import type { Resolvers } from '../graphql/schema.types';

function policyView(policy: FundsPolicy) {
  return {
    ...policy,
    monthlyBudgets: Object.entries(policy.monthlyBudgets).map(([category, amountMinor]) => ({ category, amountMinor })),
  };
}

export function fundsPolicyResolvers(app: INestApplication) {
  const em = app.get(EntityManager);
  const clock = app.get(Clock);
  const policies = app.get(FundsPolicies);
  const roles = app.get(PodRoles);

  return {
    Query: {
      fundsPolicy: async (_: unknown, __: unknown, ctx: SubgraphContext) => policyView(await policies.of(em.fork(), podOf(ctx))),
    },
    Mutation: {
      setFundsPolicy: async (_: unknown, args: { input: Record<string, unknown> }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        const changes = Object.fromEntries(Object.entries(args.input).filter(([, value]) => value !== null && value !== undefined)) as FundsPolicyChanges;
        return policyView(await policies.set(em.fork(), caller.podId, changes, caller.coordinator || caller.treasurer, caller.metadata));
      },
      setMonthlyBudget: async (_: unknown, args: { input: { category: string; amountMinor?: number | null } }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        return policyView(
          await policies.setBudget(
            em.fork(),
            caller.podId,
            { category: args.input.category, amountMinor: args.input.amountMinor ?? null },
            caller.coordinator || caller.treasurer,
            caller.metadata,
          ),
        );
      },
    },
  } satisfies Resolvers;
}
