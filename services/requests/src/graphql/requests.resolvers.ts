import type { INestApplication } from '@nestjs/common';
import { INCIDENT_TYPES, URGENCIES } from '@mutuo/contracts';
import { DomainRuleViolation, geohashCell, parseGeoPolygon } from '@mutuo/domain';
import type { IdempotentInput as Idempotent } from '@mutuo/event-store';
import { badUserInput, mayIdentifyRequester, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { SHARED_ITEM_CATEGORIES, SHARED_RESOURCE_KINDS, type OpeningHours } from '../domain/shared-resource.decider';
import { EditRequestHandler } from '../edit-request/edit-request.handler';
import { IncidentHandler, type ExistingIncident } from '../incidents/incident.handler';
import { IncidentsQueries, type IncidentRow } from '../incidents/incidents.queries';
import { OfferBoardQueries } from '../offers/offer-board.queries';
import { OfferCommandsHandler } from '../offers/offer-commands.handler';
import { PostRequestHandler } from '../post-request/post-request.handler';
import { InvalidCursor, RequestDetailsQueries, encodeCursor, type BrowseFilter } from '../request-details/request-details.queries';
import { RequestProgressHandler } from '../request-progress/request-progress.handler';
import { PodResponseTargets } from '../shared/response-targets';
import { SharedResourceHandler } from '../shared-resources/shared-resource.handler';
import { SharedResourcesQueries, type SharedResourceRow } from '../shared-resources/shared-resources.queries';
import { categoryFrom, changeFrom, factsFrom, requireFirst, urgencyFrom, type HelpFactsInput } from '../shared/help-input';
import { offerFromRow, offerFromState, requestFromRow, requestFromState, type OfferView, type RequestView } from '../shared/request-views';

const MAX_PAGE = 100;

interface FilterInput {
  category?: string | null;
  urgency?: string | null;
  cellPrefix?: string | null;
  area?: unknown;
  from?: string | null;
  until?: string | null;
}

function browseFilter(input: FilterInput | null | undefined): BrowseFilter {
  if (!input) return {};
  const cellPrefix = input.cellPrefix == null ? null : geohashCell(input.cellPrefix, { field: 'filter.cellPrefix', minLength: 1, maxLength: 7, code: 'BAD_USER_INPUT' });
  for (const field of ['from', 'until'] as const) {
    const value = input[field];
    if (value != null && Number.isNaN(Date.parse(value))) throw badUserInput(`filter.${field}`, 'Give an ISO 8601 date-time');
  }
  return {
    ...(input.category ? { category: categoryFrom(input.category) } : {}),
    ...(input.urgency ? { urgency: fromGraphQLEnum(URGENCIES, input.urgency) } : {}),
    ...(cellPrefix ? { cellPrefix } : {}),
    ...(input.area ? { area: parseGeoPolygon(input.area, 'filter.area') } : {}),
    ...(input.from ? { from: new Date(input.from).toISOString() } : {}),
    ...(input.until ? { until: new Date(input.until).toISOString() } : {}),
  };
}

function page<Row extends { posted_at: Date; id: string }, View>(result: { items: Row[]; endCursor: string | null; hasNextPage: boolean }, view: (row: Row) => View) {
  return {
    edges: result.items.map((row) => ({ cursor: encodeCursor(row), node: view(row) })),
    endCursor: result.endCursor,
    hasNextPage: result.hasNextPage,
  };
}

async function cursorChecked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidCursor) throw badUserInput('after', error.message);
    throw error;
  }
}

/** Anonymous requests show who asked only to the requester, the poster and the request's own pod's coordinators. */
const mayKnowRequester = (request: RequestView, ctx: SubgraphContext) => mayIdentifyRequester(request, ctx.identity);

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

export function requestsResolvers(app: INestApplication) {
  const postRequest = app.get(PostRequestHandler);
  const editRequest = app.get(EditRequestHandler);
  const progress = app.get(RequestProgressHandler);
  const requests = app.get(RequestDetailsQueries);
  const offerCommands = app.get(OfferCommandsHandler);
  const offers = app.get(OfferBoardQueries);
  const incidentCommands = app.get(IncidentHandler);
  const incidents = app.get(IncidentsQueries);
  const resourceCommands = app.get(SharedResourceHandler);
  const resources = app.get(SharedResourcesQueries);
  const responseTargets = app.get(PodResponseTargets);
  const targetsView = (targets: { emergency: number; urgent: number; normal: number }) => ({
    emergencyHours: targets.emergency,
    urgentHours: targets.urgent,
    normalHours: targets.normal,
  });

  const requestById = async (id: string, ctx: SubgraphContext) => {
    const row = await requests.byId(requirePod(ctx).podId, id);
    return row ? requestFromRow(row) : null;
  };
  const fromCommand = async (work: Promise<{ request: Parameters<typeof requestFromState>[0]; version: number }>) => {
    const { request, version } = await work;
    return requestFromState(request, version);
  };
  const offerResult = async (work: Promise<{ offer: Parameters<typeof offerFromState>[0]; version: number }>) => {
    const { offer, version } = await work;
    return offerFromState(offer, version);
  };
  const coordinatorResource = async (id: string, ctx: SubgraphContext) => {
    const podId = requirePod(ctx).podId;
    const row = await resources.byId(podId, id);
    return row ? resourceView(row, await resources.tokenOf(podId, id)) : null;
  };

  return {
    Query: {
      request: (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return requestById(args.id, ctx);
      },
      openRequests: (_: unknown, args: { first?: number | null; after?: string | null; filter?: FilterInput | null; scope?: 'POD' | 'REGION' | null }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const first = requireFirst(args.first, MAX_PAGE);
        const filter = browseFilter(args.filter);
        const scope = args.scope === 'REGION' ? 'region' : 'pod';
        return cursorChecked(async () => page(await requests.openRequests(requirePod(ctx).podId, first, args.after, filter, scope), requestFromRow));
      },
      offer: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const row = await offers.byId(requirePod(ctx).podId, args.id);
        return row ? offerFromRow(row) : null;
      },
      openOffers: (_: unknown, args: { first?: number | null; after?: string | null; filter?: FilterInput | null; scope?: 'POD' | 'REGION' | null }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const first = requireFirst(args.first, MAX_PAGE);
        const { category, cellPrefix, from, until } = browseFilter(args.filter);
        const scope = args.scope === 'REGION' ? 'region' : 'pod';
        return cursorChecked(async () => page(await offers.openOffers(requirePod(ctx).podId, first, args.after, { category, cellPrefix, from, until }, scope), offerFromRow));
      },
      responseTargets: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return targetsView(await responseTargets.of(requirePod(ctx).podId));
      },
      incidents: async (_: unknown, _args: unknown, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return (await incidents.inPod(requirePod(ctx).podId)).map(incidentView);
      },
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
      postRequest: (_: unknown, { input }: { input: HelpFactsInput & { title: string; language: string; category: string; urgency?: string | null; anonymous?: boolean | null; onBehalfOfPersonId?: string | null } & Idempotent }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(
          postRequest.handle(
            {
              ...factsFrom(input),
              urgency: input.urgency ? urgencyFrom(input.urgency) : null,
              anonymous: input.anonymous ?? false,
              onBehalfOfPersonId: input.onBehalfOfPersonId ?? null,
            },
            ctx,
            input.idempotencyKey ?? null,
          ),
        );
      },
      editRequest: (_: unknown, { input }: { input: HelpFactsInput & { requestId: string; expectedVersion: number; urgency?: string | null } }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        const change = { ...changeFrom(input), ...(input.urgency ? { urgency: urgencyFrom(input.urgency) } : {}) };
        return fromCommand(editRequest.handle(input.requestId, input.expectedVersion, change, ctx));
      },
      cancelRequest: (_: unknown, args: { requestId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(progress.cancel(args.requestId, ctx));
      },
      startHelp: (_: unknown, args: { requestId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(progress.start(args.requestId, ctx));
      },
      confirmFulfilment: (_: unknown, { input }: { input: { requestId: string; hoursGiven: { helperMemberId: string; minutes: number }[] } }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(progress.confirm(input.requestId, input.hoursGiven.map(({ helperMemberId, minutes }) => ({ helperMemberId, minutes })), ctx));
      },
      reverseFulfilment: (_: unknown, args: { requestId: string; reason: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return fromCommand(progress.reverse(args.requestId, args.reason, ctx));
      },
      postOffer: (_: unknown, { input }: { input: HelpFactsInput & { title: string; language: string; category: string } & Idempotent }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.post(factsFrom(input), ctx, input.idempotencyKey ?? null));
      },
      editOffer: (_: unknown, { input }: { input: HelpFactsInput & { offerId: string; expectedVersion: number } }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.edit(input.offerId, input.expectedVersion, changeFrom(input), ctx));
      },
      pauseOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'PauseOffer', ctx));
      },
      resumeOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'ResumeOffer', ctx));
      },
      withdrawOffer: (_: unknown, args: { offerId: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return offerResult(offerCommands.change(args.offerId, 'WithdrawOffer', ctx));
      },
      setResponseTargets: async (_: unknown, { input }: { input: { emergencyHours: number; urgentHours: number; normalHours: number } }, ctx: SubgraphContext) =>
        targetsView(await responseTargets.tune({ emergency: input.emergencyHours, urgent: input.urgentHours, normal: input.normalHours }, ctx)),
      declareIncident: async (
        _: unknown,
        { input: { idempotencyKey, ...input } }: { input: { podId?: string | null; name: string; type: string; area: unknown; startedAt: string } & Idempotent },
        ctx: SubgraphContext,
      ) => incidentView(await incidentCommands.declare({ ...input, type: fromGraphQLEnum(INCIDENT_TYPES, input.type) }, ctx, idempotencyKey ?? null)),
      closeIncident: async (_: unknown, args: { incidentId: string; podId?: string | null }, ctx: SubgraphContext) =>
        incidentView(await incidentCommands.close(args.incidentId, args.podId ?? null, ctx)),
      registerSharedResource: async (
        _: unknown,
        { input }: { input: { kind: string; name: string; location: { lat: number; lon: number }; openingHours: OpeningHours[] } & Idempotent },
        ctx: SubgraphContext,
      ) => {
        const registered = await resourceCommands.register(
          {
            kind: fromGraphQLEnum(SHARED_RESOURCE_KINDS, input.kind),
            name: input.name,
            location: { lat: input.location.lat, lon: input.location.lon },
            openingHours: input.openingHours.map(({ byDay, opensAt, closesAt }) => ({ byDay, opensAt, closesAt })),
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
          { direction: input.direction === 'TOOK' ? 'took' : 'left', itemCategory: fromGraphQLEnum(SHARED_ITEM_CATEGORIES, input.itemCategory), amount: input.amount },
          ctx.clientIp,
          ctx.correlationId,
        );
        const row = await resources.byToken(input.token);
        if (!row) throw new DomainRuleViolation('RESOURCE_NOT_FOUND', 'This link does not lead to a shared resource', 'token');
        return resourceView(row, null);
      },
    },
    Request: {
      __resolveReference: (reference: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        return requestById(reference.id, ctx);
      },
      category: (request: RequestView) => toGraphQLEnum(request.category),
      urgency: (request: RequestView) => toGraphQLEnum(request.urgency),
      status: (request: RequestView) => toGraphQLEnum(request.status),
      visibility: (request: RequestView) => toGraphQLEnum(request.visibility),
      requester: (request: RequestView, _: unknown, ctx: SubgraphContext) =>
        mayKnowRequester(request, ctx) ? { __typename: 'Member', id: request.requesterMemberId } : null,
      postedBy: (request: RequestView, _: unknown, ctx: SubgraphContext) =>
        request.postedByMemberId && request.postedByMemberId !== request.requesterMemberId && mayKnowRequester(request, ctx)
          ? { __typename: 'Member', id: request.postedByMemberId }
          : null,
      helpers: (request: RequestView) => request.helperMemberIds.map((id) => ({ __typename: 'Member', id })),
      timeline: async (request: RequestView, _: unknown, ctx: SubgraphContext) => {
        const entries = await requests.timeline(requirePod(ctx).podId, request.id);
        const hideRequester = !mayKnowRequester(request, ctx);
        return entries.map((entry) => ({
          kind: entry.kind,
          at: new Date(entry.at).toISOString(),
          actor:
            entry.actor_member_id && !(hideRequester && [request.requesterMemberId, request.postedByMemberId].includes(entry.actor_member_id))
              ? { __typename: 'Member', id: entry.actor_member_id }
              : null,
        }));
      },
    },
    Offer: {
      __resolveReference: async (reference: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:read');
        const row = await offers.byId(requirePod(ctx).podId, reference.id);
        return row ? offerFromRow(row) : null;
      },
      category: (offer: OfferView) => toGraphQLEnum(offer.category),
      status: (offer: OfferView) => toGraphQLEnum(offer.status),
      visibility: (offer: OfferView) => toGraphQLEnum(offer.visibility),
      offerer: (offer: OfferView) => ({ __typename: 'Member', id: offer.offererMemberId }),
    },
    Incident: {
      type: (incident: { type: string }) => toGraphQLEnum(incident.type),
    },
    SharedResource: {
      kind: (resource: { kind: string }) => toGraphQLEnum(resource.kind),
    },
    StockLevel: {
      itemCategory: (level: { itemCategory: string }) => toGraphQLEnum(level.itemCategory),
    },
  };
}
