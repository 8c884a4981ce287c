import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, foldEvents, type Decider, type DomainEvent } from '@mutuo/domain';
import { PostgresEventStore } from '@mutuo/event-store';
import { forbidden, requireIdentity, requirePod, type Identity, type RequestContext } from '@mutuo/platform';
import type { PodAdmissionFacts } from '../domain/member-admission.decider';
import { podAgreementsDecider, type PodAgreementsState } from '../domain/pod-agreements.decider';
import type { DecisionMethods } from '../domain/decision-methods';
import { memberDecider, type MemberEvent } from '../domain/member.decider';
import { holdersAt, podRolesDecider, type PodRolesState } from '../domain/pod-roles.decider';
import { podSettingsDecider, type PodSettings } from '../domain/pod-settings.decider';
import { podDecider, type PodState } from '../domain/pod.decider';
import { regionDecider, type RegionState } from '../domain/region.decider';
import { Clock } from '@mutuo/service-kit';
import { podRolesStream } from './pod-roles-stream';
import { memberStream, podAgreementsStream, podSettingsStream, podStream, regionStream } from './pod-streams';

/** A caller who holds the coordinator role of their token's pod right now. */
export interface CoordinatorCaller {
  readonly identity: Identity;
  readonly podId: string;
  readonly memberId: string;
}

/**
 * What commands need to know about a pod, read from its streams (never the read models, which may lag), and
 * the checks of who may act on it. Reads join the caller's transaction when the EntityManager is in one.
 */
@Injectable()
export class PodFacts {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  pod(em: EntityManager, podId: string): Promise<PodState> {
    return this.fold(em, podDecider, podStream(podId));
  }

  async settings(em: EntityManager, podId: string): Promise<PodSettings> {
    return (await this.fold(em, podSettingsDecider, podSettingsStream(podId))).settings;
  }

  async decisionMethods(em: EntityManager, podId: string): Promise<DecisionMethods> {
    return (await this.fold(em, podSettingsDecider, podSettingsStream(podId))).decisionMethods;
  }

  roles(em: EntityManager, podId: string): Promise<PodRolesState> {
    return this.fold(em, podRolesDecider, podRolesStream(podId));
  }

  /** Whether the member belongs to the pod now (joined, and not left since). */
  async memberIsActive(em: EntityManager, podId: string, memberId: string): Promise<boolean> {
    return (await this.fold<ReturnType<typeof memberDecider.initialState>, MemberEvent>(em, memberDecider, memberStream(podId, memberId))).status === 'active';
  }

  /** Whether the member holds the coordinator role of the pod at `now`. */
  async isCoordinator(em: EntityManager, podId: string, memberId: string, now: Date): Promise<boolean> {
    return holdersAt(await this.roles(em, podId), 'coordinator', now.toISOString()).some((term) => term.memberId === memberId);
  }

  agreements(em: EntityManager, podId: string): Promise<PodAgreementsState> {
    return this.fold(em, podAgreementsDecider, podAgreementsStream(podId));
  }

  region(em: EntityManager, regionId: string): Promise<RegionState> {
    return this.fold(em, regionDecider, regionStream(regionId));
  }

  /** Everything joining a pod is decided against. */
  async admission(em: EntityManager, podId: string): Promise<PodAdmissionFacts> {
    // One after another: inside a transaction the reads share one connection.
    const pod = await this.pod(em, podId);
    const settings = await this.settings(em, podId);
    const agreements = await this.agreements(em, podId);
    return {
      podLanguages: pod.status === 'active' ? pod.languages : [],
      admissionMode: settings.admissionMode,
      joinQuestions: settings.joinQuestions,
      agreementsVersion: agreements.version,
    };
  }

  /**
   * The token must claim the coordinator role for its pod (else FORBIDDEN), and the pod's roles must say the
   * caller holds it now (else NOT_A_COORDINATOR): a token issued before a term ended must not outlive it.
   */
  async requireCoordinator(em: EntityManager, ctx: RequestContext, now: Date): Promise<CoordinatorCaller> {
    const { identity, podId } = requirePod(ctx);
    if (!identity.roles.includes('coordinator')) throw forbidden("Only this pod's coordinators can do this");
    const memberId = memberIdFor(podId, identity.subject);
    if (!(await this.isCoordinator(em, podId, memberId, now))) {
      throw new DomainRuleViolation('NOT_A_COORDINATOR', 'Only a current coordinator of this pod can do this');
    }
    return { identity, podId, memberId };
  }

  /** Operators anywhere; region stewards in the region their token names (by slug). */
  async requireRegionSteward(em: EntityManager, ctx: RequestContext, regionId: string): Promise<Identity> {
    const identity = requireIdentity(ctx);
    if (!(await this.isRegionSteward(em, ctx, regionId))) {
      throw forbidden(
        identity.roles.includes('region-steward') ? 'Region stewards decide only for their own region' : "Only the region's stewards can do this",
      );
    }
    return identity;
  }

  async isRegionSteward(em: EntityManager, ctx: RequestContext, regionId: string): Promise<boolean> {
    const identity = ctx.identity;
    if (!identity) return false;
    if (identity.roles.includes('operator')) return true;
    if (!identity.roles.includes('region-steward')) return false;
    const region = await this.region(em, regionId);
    return region.status === 'active' && region.slug === identity.regionId;
  }

  private async fold<State, Evt extends DomainEvent>(
    em: EntityManager,
    decider: Pick<Decider<State, never, Evt>, 'evolve' | 'initialState'>,
    stream: string,
  ): Promise<State> {
    const { events } = await this.store.readStream(em, stream);
    return foldEvents(decider, events as unknown as Evt[]);
  }
}
