import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, foldEvents } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, type IdempotentInput } from '@mutuo/event-store';
import { commandMetadataFrom, requireIdentity, type RequestContext } from '@mutuo/platform';
import { memberDecider, type MemberCommand, type MemberEvent, type MemberState } from '../domain/member.decider';
import { sharingMemberFacts, type MemberFactsEvent, type SharingMemberFacts } from '../domain/member-facts.decider';
import {
  podApplicationDecider,
  type PodApplicationCommand,
  type PodApplicationDetails,
  type PodApplicationEvent,
  type PodApplicationState,
} from '../domain/pod-application.decider';
import { podRolesDecider, type PodRolesCommand, type PodRolesEvent, type PodRolesState } from '../domain/pod-roles.decider';
import { podDecider, type PodCommand, type PodEvent, type PodState } from '../domain/pod.decider';
import { podRolesStream } from '../shared/pod-roles-stream';
import { requirePerson, requireUuid } from './input';
import { PodFacts } from '../shared/pod-facts';
import { memberStream, podApplicationStream, podStream } from '../shared/pod-streams';

export interface ApplyToRegionInput extends IdempotentInput {
  readonly regionId: string;
  readonly name: string;
  readonly description: string;
  readonly languages: readonly string[];
  readonly timezone: string;
  readonly serviceArea: unknown;
  readonly applicantDisplayName: string;
}

/** An application as a command left it. */
export interface PodApplicationResult extends PodApplicationDetails {
  readonly status: 'pending' | 'approved' | 'declined';
  readonly submittedAt: string;
  readonly decidedAt: string | null;
  readonly declineReason: string | null;
}

export type ApprovedPod = Extract<PodState, { status: 'active' }>;

/**
 * Pods applying to join a region, and the region's stewards deciding. Approving writes, in one transaction,
 * the decision, the pod, the applicant's membership and their bootstrap grant as the pod's first coordinator,
 * so there is never a pod without the person who asked for it, nor a coordinator of a pod that does not exist.
 */
@Injectable()
export class PodApplicationHandler {
  private readonly applications: CommandHandler<PodApplicationState, PodApplicationCommand, PodApplicationEvent>;
  private readonly pods: CommandHandler<PodState, PodCommand, PodEvent>;
  private readonly members: CommandHandler<SharingMemberFacts<MemberState>, MemberCommand, MemberEvent | MemberFactsEvent>;
  private readonly roles: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.applications = new CommandHandler(store, podApplicationDecider);
    this.pods = new CommandHandler(store, podDecider);
    this.members = new CommandHandler(store, sharingMemberFacts(memberDecider));
    this.roles = new CommandHandler(store, podRolesDecider);
  }

  /** Anyone signed in may ask for a pod; they become its first coordinator if it is approved. */
  async submit(input: ApplyToRegionInput, ctx: RequestContext): Promise<PodApplicationResult> {
    const identity = requirePerson(ctx);
    const { idempotencyKey, ...asked } = input;
    const regionId = requireUuid('regionId', input.regionId);
    const em = this.em.fork();
    const now = this.facts.now();
    const regionExists = (await this.facts.region(em, regionId)).status === 'active';
    const metadataFor = (applicationId: string) => ({ ...commandMetadataFrom(ctx, now), podId: applicationId, regionId });
    const call = { key: idempotencyKey, podId: null, actorId: identity.subject, operation: 'membership.applyToRegion', input: asked };
    const { state } = await this.applications.create(em, call, podApplicationStream, (applicationId) => ({
      type: 'SubmitPodApplication',
      data: {
        applicationId,
        regionId,
        applicantPersonId: identity.subject,
        applicantDisplayName: input.applicantDisplayName,
        name: input.name,
        description: input.description,
        languages: input.languages,
        timezone: input.timezone,
        serviceArea: input.serviceArea,
        regionExists,
      },
      metadata: metadataFor(applicationId),
    }));
    return result(state, now.toISOString());
  }

  async approve(id: string, ctx: RequestContext): Promise<ApprovedPod> {
    const applicationId = requireUuid('id', id);
    const now = this.facts.now();
    return this.em.fork().transactional(async (tx) => {
      const application = await this.pendingFor(tx, applicationId, ctx);
      const podId = application.applicationId;
      const steward = await this.facts.requireRegionSteward(tx, ctx, application.regionId);
      const metadata = { ...commandMetadataFrom(ctx, now), podId, regionId: application.regionId };
      await this.applications.handle(tx, podApplicationStream(applicationId), { type: 'ApprovePodApplication', data: { applicationId }, metadata });
      const regionExists = (await this.facts.region(tx, application.regionId)).status === 'active';
      const { state: pod } = await this.pods.handle(tx, podStream(podId), {
        type: 'CreatePod',
        data: {
          podId,
          regionId: application.regionId,
          name: application.name,
          languages: [...application.languages],
          timezone: application.timezone,
          description: application.description,
          serviceArea: application.serviceArea,
          regionExists,
        },
        metadata,
      });
      const created = pod as Extract<PodState, { status: 'active' }>;
      const memberId = memberIdFor(podId, application.applicantPersonId);
      await this.members.handle(tx, memberStream(podId, memberId), {
        type: 'JoinPod',
        data: {
          memberId,
          podId,
          personId: application.applicantPersonId,
          displayName: application.applicantDisplayName,
          preferredLanguage: '',
          podLanguages: created.languages,
        },
        metadata,
      });
      // The roles aggregate's own bootstrap path: a steward appoints the first coordinator of a pod without one.
      await this.roles.handle(tx, podRolesStream(podId), {
        type: 'GrantRole',
        data: {
          podId,
          termId: randomUUID(),
          memberId,
          role: 'coordinator',
          memberActive: true,
          authority: { actorMemberId: memberIdFor(podId, steward.subject), coordinatorClaim: false, stewardClaim: true },
        },
        metadata,
      });
      return created;
    });
  }

  async decline(input: { id: string; reason: string }, ctx: RequestContext): Promise<PodApplicationResult> {
    const applicationId = requireUuid('id', input.id);
    const now = this.facts.now();
    return this.em.fork().transactional(async (tx) => {
      const application = await this.pendingFor(tx, applicationId, ctx);
      await this.facts.requireRegionSteward(tx, ctx, application.regionId);
      const metadata = { ...commandMetadataFrom(ctx, now), podId: applicationId, regionId: application.regionId };
      const { state, newEvents } = await this.applications.handle(tx, podApplicationStream(applicationId), {
        type: 'DeclinePodApplication',
        data: { applicationId, reason: input.reason },
        metadata,
      });
      const declined = newEvents[0]!.data as { reason: string };
      return { ...result(state, application.submittedAt), decidedAt: metadata.now, declineReason: declined.reason };
    });
  }

  /** The application, for a steward to decide: who may decide depends on its region, so it is read first. */
  private async pendingFor(em: EntityManager, applicationId: string, ctx: RequestContext): Promise<PodApplicationDetails & { submittedAt: string }> {
    requireIdentity(ctx);
    const { events } = await this.store.readStream(em, podApplicationStream(applicationId));
    const state = foldEvents(podApplicationDecider, events as unknown as PodApplicationEvent[]);
    // Whether it is still pending is the decider's to say; here it only has to exist.
    if (state.status === 'none') throw new DomainRuleViolation('APPLICATION_NOT_FOUND', 'No pod application with this id', 'id');
    return { ...state, submittedAt: events[0]!.metadata.occurredAt };
  }
}

function result(state: PodApplicationState, submittedAt: string): PodApplicationResult {
  if (state.status === 'none') throw new Error('An application command left no application');
  return { ...state, submittedAt, decidedAt: null, declineReason: null };
}
