import type { INestApplication } from '@nestjs/common';
import { INCIDENT_TYPES } from '@mutuo/contracts';
import type { IdempotentInput as Idempotent } from '@mutuo/event-store';
import { requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { IncidentHandler, type ExistingIncident } from './incident.handler';
import { IncidentsQueries, type IncidentRow } from './incidents.queries';
import type { Resolvers } from '../graphql/schema.types';

function incidentView(incident: ExistingIncident | IncidentRow) {
  if ('incidentId' in incident) {
    return {
      id: incident.incidentId,
      name: incident.name,
      type: incident.type,
      startedAt: incident.startedAt,
      open: incident.status === 'open',
      closedAt: incident.status === 'closed' ? incident.closedAt : null,
      summary: incident.status === 'closed' ? incident.summary : null,
    };
  }
  return {
    id: incident.id,
    name: incident.name,
    type: incident.type,
    startedAt: new Date(incident.started_at).toISOString(),
    open: incident.status === 'open',
    closedAt: incident.closed_at ? new Date(incident.closed_at).toISOString() : null,
    summary: incident.summary,
  };
}

export function incidentsResolvers(app: INestApplication) {
  const incidentCommands = app.get(IncidentHandler);
  const incidents = app.get(IncidentsQueries);

  return {
    Query: {
      incidents: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return (await incidents.inPod(requirePod(ctx).podId)).map(incidentView);
      },
    },
    Mutation: {
      declareIncident: async (
        _: unknown,
        {
          input: { idempotencyKey, ...input },
        }: { input: { podId?: string | null; name: string; type: string; area: unknown; startedAt: string } & Idempotent },
        ctx: SubgraphContext,
      ) => incidentView(await incidentCommands.declare({ ...input, type: fromGraphQLEnum(INCIDENT_TYPES, input.type) }, ctx, idempotencyKey ?? null)),
      closeIncident: async (_: unknown, args: { incidentId: string; podId?: string | null }, ctx: SubgraphContext) =>
        incidentView(await incidentCommands.close(args.incidentId, args.podId ?? null, ctx)),
    },
    Incident: {
      type: (incident: { type: string }) => toGraphQLEnum(incident.type),
    },
  } satisfies Resolvers;
}
