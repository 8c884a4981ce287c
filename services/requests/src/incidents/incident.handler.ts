import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor, type IncidentType } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, inPodTransaction, query } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { commandMetadataFrom, requireIdentity, type RequestContext } from '@mutuo/platform';
import type { Actor } from '../domain/help-facts';
import { incidentDecider, type IncidentCommand, type IncidentEvent, type IncidentState, type TaggedRequest } from '../domain/incident.decider';
import { PodFactsQueries } from '../shared/pod-facts';
import { incidentStream } from '../shared/streams';

export type ExistingIncident = Exclude<IncidentState, { status: 'none' }>;

export const REGION_STEWARD = 'region-steward';

interface Authority {
  readonly podId: string;
  readonly actor: Actor;
  readonly asRegionSteward: boolean;
}

/**
 * A pod's coordinator (in their own pod) or a steward of the pod's region (naming the pod) declares an incident over
 * an area, and closes it with a summary of the requests it tagged.
 */
@Injectable()
export class IncidentHandler {
  private readonly commands: CommandHandler<IncidentState, IncidentCommand, IncidentEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly pods: PodFactsQueries,
  ) {
    this.commands = new CommandHandler(store, incidentDecider);
  }

  async declare(
    input: { podId?: string | null; name: string; type: IncidentType; area: unknown; startedAt: string },
    ctx: RequestContext,
    idempotencyKey: string | null = null,
  ): Promise<ExistingIncident> {
    const { podId, actor, asRegionSteward } = await this.authority(input.podId ?? null, ctx);
    const { regionId } = await this.pods.of(podId);
    const { state } = await this.commands.create(
      this.em.fork(),
      { key: idempotencyKey, podId, actorId: actor.memberId, operation: 'requests.declareIncident', input },
      (incidentId) => incidentStream(podId, incidentId),
      (incidentId) => ({
        type: 'DeclareIncident',
        data: { incidentId, podId, regionId, name: input.name, type: input.type, area: input.area, startedAt: input.startedAt, actor, asRegionSteward },
        metadata: { ...commandMetadataFrom(ctx, this.clock.now()), podId },
      }),
    );
    return state as ExistingIncident;
  }

  async close(incidentId: string, podIdInput: string | null, ctx: RequestContext): Promise<ExistingIncident> {
    const { podId, actor, asRegionSteward } = await this.authority(podIdInput, ctx);
    const stream = incidentStream(podId, incidentId);
    const tagged = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ posted_at: Date; first_matched_at: Date | null; fulfilled: boolean }>(
        tx,
        `select posted_at, first_matched_at, status = 'fulfilled' as fulfilled from request_details where incident_id = ?`,
        [incidentId],
      ),
    );
    const requests: TaggedRequest[] = tagged.map((row) => ({
      postedAt: new Date(row.posted_at).toISOString(),
      firstMatchedAt: row.first_matched_at ? new Date(row.first_matched_at).toISOString() : null,
      fulfilled: row.fulfilled,
    }));
    const { state } = await this.commands.handle(this.em.fork(), stream, {
      type: 'CloseIncident',
      data: { actor, asRegionSteward, tagged: requests },
      metadata: { ...commandMetadataFrom(ctx, this.clock.now()), podId },
    });
    return state as ExistingIncident;
  }

  /** The caller's own pod, or (for a region steward) a pod of their region that they name. */
  private async authority(podId: string | null, ctx: RequestContext): Promise<Authority> {
    const identity = requireIdentity(ctx);
    const target = podId ?? identity.podId;
    if (!target || !/^[0-9a-f-]{36}$/i.test(target)) {
      throw new DomainRuleViolation('POD_REQUIRED', 'Name the pod the incident is in (your token names none)', 'podId');
    }
    const actor = { memberId: memberIdFor(target, identity.subject), roles: identity.roles };
    if (target === identity.podId) return { podId: target, actor, asRegionSteward: false };
    const steward = identity.roles.includes(REGION_STEWARD) && identity.regionId !== undefined && (await this.pods.isPodInRegion(target, identity.regionId));
    if (!steward) throw new DomainRuleViolation('NOT_ALLOWED', "Only the pod's coordinators or its region's stewards may do this", 'podId');
    // A steward acts as a steward, not with roles their token holds in some other pod.
    return { podId: target, actor: { memberId: actor.memberId, roles: [REGION_STEWARD] }, asRegionSteward: true };
  }
}
