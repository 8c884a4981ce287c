import type { INestApplication } from '@nestjs/common';
import { Clock } from '@mutuo/service-kit';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { forbidden, type SubgraphContext } from '@mutuo/platform';
import type { PublicReport } from '../domain/public-report';
import { fundsCaller } from '../funds.caller';
import { checkUuid } from '../funds.input';
import { LedgerQueries } from '../shared/ledger.queries';
import { PodRoles } from '../shared/pod-roles.repository';
import { transferView } from '../shared/funds-views';
import { PublicReportQueries } from './public-report.queries';
import type { Resolvers } from '../graphql/schema.types';

function reportView(report: PublicReport) {
  return { ...report, period: report.period.label, from: report.period.from, until: report.period.until };
}

export function transparencyResolvers(app: INestApplication) {
  const em = app.get(EntityManager);
  const clock = app.get(Clock);
  const ledgerQueries = app.get(LedgerQueries);
  const roles = app.get(PodRoles);
  const reports = app.get(PublicReportQueries);

  return {
    Query: {
      // Public: the gateway lets it through without a token (ANONYMOUS_QUERIES); it shows figures, never names.
      publicFundsReport: async (_: unknown, args: { podId: string; period: string }) => {
        const podId = checkUuid(args.podId, 'podId');
        if (!(await reports.podExists(podId))) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id keeps funds here', 'podId');
        return reportView(await reports.report(podId, args.period));
      },
      fundsReportTrace: async (_: unknown, args: { period: string; figure: string }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        if (!caller.coordinator && !caller.treasurer) throw forbidden('Only coordinators and treasurers trace report figures to transfers');
        const ids = await reports.trace(caller.podId, args.period, args.figure);
        return (await ledgerQueries.transfersByIds(caller.podId, ids)).map(transferView);
      },
    },
  } satisfies Resolvers;
}
