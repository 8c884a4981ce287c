import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { geohashCenter, isPointInPolygon, type GeoPoint, type GeoPolygon } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, inPodTransaction, query } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import type { HelpFacts } from '../domain/help-facts';
import { requestDecider, type ExistingRequest, type PostRequest, type RequestCommand, type RequestEvent, type RequestState } from '../domain/request.decider';
import { PodFactsQueries, withPodDefaults, type NewHelpFacts } from '../shared/pod-facts';
import { PodResponseTargets } from '../shared/response-targets';
import { requestStream } from '../shared/streams';

export type PostRequestInput = NewHelpFacts & {
  urgency: PostRequest['data']['urgency'];
  anonymous: boolean;
  /** A coordinator or dispatcher posting for someone: the person (subject) the request is for. */
  onBehalfOfPersonId: string | null;
};

/**
 * A member asks for help, or a coordinator or dispatcher asks for someone without a phone. The request is in the pod
 * of the caller's token, whatever the input says; inside an open incident's area it is tagged with the incident.
 */
@Injectable()
export class PostRequestHandler {
  private readonly commands: CommandHandler<RequestState, RequestCommand, RequestEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly responseTargets: PodResponseTargets,
    private readonly pods: PodFactsQueries,
  ) {
    this.commands = new CommandHandler(store, requestDecider);
  }

  /** With an idempotency key, a retry of the same post returns the request the first call created. */
  async handle(input: PostRequestInput, ctx: RequestContext, idempotencyKey: string | null = null): Promise<{ request: ExistingRequest; version: number }> {
    const actor = actingMember(ctx);
    const now = this.clock.now();
    const { onBehalfOfPersonId, ...rest } = input;
    const requesterMemberId = onBehalfOfPersonId ? memberIdFor(actor.podId, onBehalfOfPersonId) : actor.memberId;
    const [incidentId, responseTargets, pod] = await Promise.all([
      this.incidentAt(actor.podId, input.location),
      this.responseTargets.of(actor.podId),
      this.pods.of(actor.podId),
    ]);
    const { state, version } = await this.commands.create(
      this.em.fork(),
      { key: idempotencyKey, podId: actor.podId, actorId: actor.memberId, operation: 'requests.postRequest', input },
      (requestId) => requestStream(actor.podId, requestId),
      (requestId) => ({
        type: 'PostRequest',
        data: { ...withPodDefaults(rest, pod), requestId, podId: actor.podId, regionId: pod.regionId, requesterMemberId, actor, incidentId, responseTargets },
        metadata: commandMetadataFrom(ctx, now),
      }),
    );
    return { request: state as ExistingRequest, version };
  }

  /** The newest open incident of the pod whose area holds the request's point (or its cell's centre). */
  private async incidentAt(podId: string, location: HelpFacts['location']): Promise<string | null> {
    const point: GeoPoint | undefined = location.precise ?? (location.cell ? geohashCenter(location.cell) : undefined);
    if (!point) return null;
    const open = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ id: string; area: GeoPolygon }>(tx, `select id, area from incidents where status = 'open' order by declared_at desc`),
    );
    return open.find((incident) => isPointInPolygon(point, incident.area))?.id ?? null;
  }
}
