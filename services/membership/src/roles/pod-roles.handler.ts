import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, foldEvents, isUuid } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { badUserInput, commandMetadataFrom, forbidden, requireIdentity, requirePod, type RequestContext } from '@mutuo/platform';
import { memberDecider, type MemberEvent } from '../domain/member.decider';
import { podDecider, type PodEvent } from '../domain/pod.decider';
import {
  podRolesDecider,
  termKey,
  type PodRolesCommand,
  type PodRolesEvent,
  type PodRolesState,
  type RoleAuthority,
  type RolePolicy,
  type RolePolicyChanges,
  type RoleTerm,
} from '../domain/pod-roles.decider';
import { regionDecider, type RegionEvent } from '../domain/region.decider';
import { podRolesStream } from '../shared/pod-roles-stream';
import { Clock } from '@mutuo/service-kit';

/** A term as a command left it. */
export interface HeldTerm extends RoleTerm {
  readonly podId: string;
  readonly status: 'active' | 'grace' | 'ended';
}

const MAX_ROLE_LENGTH = 40;
const STEWARD_ROLES = ['operator', 'region-steward'];

/**
 * Commands people give about a pod's roles. Who may do what is settled in two steps: the token's claims
 * open the door here, and the decider checks them against the terms it holds (a token outlives a term).
 */
@Injectable()
export class PodRolesHandler {
  private readonly commands: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, podRolesDecider);
  }

  async setPolicy(input: { podId?: string | null; changes: RolePolicyChanges }, ctx: RequestContext): Promise<{ podId: string; policy: RolePolicy }> {
    const em = this.em.fork();
    const { podId, authority } = await this.managerOf(em, input.podId, ctx);
    const { state } = await this.commands.handle(em, podRolesStream(podId), {
      type: 'SetRolePolicy',
      data: { podId, authority, changes: input.changes },
      metadata: this.metadata(ctx, podId),
    });
    return { podId, policy: state.policy };
  }

  async grant(input: { podId?: string | null; memberId: string; role: string }, ctx: RequestContext): Promise<HeldTerm> {
    const em = this.em.fork();
    const { podId, authority } = await this.managerOf(em, input.podId, ctx);
    const memberId = uuid('memberId', input.memberId);
    const role = roleName(input.role);
    const { state } = await this.commands.handle(em, podRolesStream(podId), {
      type: 'GrantRole',
      data: { podId, termId: randomUUID(), memberId, role, memberActive: await this.isActiveMember(em, podId, memberId), authority },
      metadata: this.metadata(ctx, podId),
    });
    return currentTerm(state, podId, role, memberId);
  }

  async renew(input: { memberId: string; role: string }, ctx: RequestContext): Promise<HeldTerm> {
    const em = this.em.fork();
    const { podId, authority } = await this.managerOf(em, requirePod(ctx).podId, ctx);
    const memberId = uuid('memberId', input.memberId);
    const role = roleName(input.role);
    const { state } = await this.commands.handle(em, podRolesStream(podId), {
      type: 'RenewTerm',
      data: { podId, termId: randomUUID(), memberId, role, authority },
      metadata: this.metadata(ctx, podId),
    });
    return currentTerm(state, podId, role, memberId);
  }

  /** The caller hands their own role to another member of their pod. */
  async handOver(input: { role: string; toMemberId: string }, ctx: RequestContext): Promise<HeldTerm> {
    const { identity, podId } = requirePod(ctx);
    const em = this.em.fork();
    const toMemberId = uuid('toMemberId', input.toMemberId);
    const role = roleName(input.role);
    const { state } = await this.commands.handle(em, podRolesStream(podId), {
      type: 'HandOver',
      data: {
        podId,
        termId: randomUUID(),
        role,
        fromMemberId: memberIdFor(podId, identity.subject),
        toMemberId,
        toMemberActive: await this.isActiveMember(em, podId, toMemberId),
      },
      metadata: this.metadata(ctx, podId),
    });
    return currentTerm(state, podId, role, toMemberId);
  }

  /** The caller gives up a role they hold; returns the term as it ended. */
  async stepDown(input: { role: string }, ctx: RequestContext): Promise<HeldTerm> {
    const { identity, podId } = requirePod(ctx);
    const em = this.em.fork();
    const role = roleName(input.role);
    const memberId = memberIdFor(podId, identity.subject);
    const metadata = this.metadata(ctx, podId);
    const before = (await this.commands.load(em, podRolesStream(podId))).state.terms[termKey(role, memberId)];
    await this.commands.handle(em, podRolesStream(podId), { type: 'StepDown', data: { podId, role, memberId }, metadata });
    // The decider refused if there was no term; `before` is the term it ended.
    return { ...before!, podId, status: 'ended' };
  }

  private metadata(ctx: RequestContext, podId: string) {
    // A steward may act on a pod other than their token's: the command belongs to the pod it changes.
    return { ...commandMetadataFrom(ctx, this.clock.now()), podId };
  }

  /**
   * The pod the caller manages and what they may claim there: coordinator (token pod only) or steward
   * (operators anywhere, region stewards in their region). Callers with neither claim are turned away.
   */
  private async managerOf(em: EntityManager, podIdInput: string | null | undefined, ctx: RequestContext): Promise<{ podId: string; authority: RoleAuthority }> {
    const identity = requireIdentity(ctx);
    const named = podIdInput ?? identity.podId;
    if (!named) throw badUserInput('podId', 'Name the pod: your token names none');
    const podId = uuid('podId', named);
    const coordinatorClaim = identity.podId === podId && identity.roles.includes('coordinator');
    const mayBeSteward = identity.roles.some((role) => STEWARD_ROLES.includes(role));
    if (!coordinatorClaim && !mayBeSteward) {
      throw forbidden("Only this pod's coordinators (or operators and region stewards, for a pod without coordinator) manage its roles");
    }
    const { events } = await this.store.readStream(em, streamName('pod', podId, podId));
    const pod = foldEvents(podDecider, events as unknown as PodEvent[]);
    if (pod.status === 'none') throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
    // A pod that left its region has no region stewards any more; operators keep their say.
    const stewardClaim =
      identity.roles.includes('operator') ||
      (identity.roles.includes('region-steward') && pod.regionId !== null && (await this.regionSlugOf(em, pod.regionId)) === identity.regionId);
    if (!coordinatorClaim && !stewardClaim) throw forbidden('Region stewards manage roles only for pods in their region');
    return { podId, authority: { actorMemberId: memberIdFor(podId, identity.subject), coordinatorClaim, stewardClaim } };
  }

  private async regionSlugOf(em: EntityManager, regionId: string): Promise<string | null> {
    const { events } = await this.store.readStream(em, streamName('region', null, regionId));
    const region = foldEvents(regionDecider, events as unknown as RegionEvent[]);
    return region.status === 'active' ? region.slug : null;
  }

  /** From the member's own stream, not the read model, so someone who joined a moment ago counts. */
  private async isActiveMember(em: EntityManager, podId: string, memberId: string): Promise<boolean> {
    const { events } = await this.store.readStream(em, streamName('member', podId, memberId));
    return foldEvents(memberDecider, events as unknown as MemberEvent[]).status === 'active';
  }
}

function currentTerm(state: PodRolesState, podId: string, role: string, memberId: string): HeldTerm {
  const term = state.terms[termKey(role, memberId)]!;
  return { ...term, podId, status: term.graceUntil === null ? 'active' : 'grace' };
}

function uuid(field: string, value: string): string {
  if (!isUuid(value)) throw badUserInput(field, `${field} must be an id this API returned`);
  return value.toLowerCase();
}

function roleName(role: string): string {
  if (role.length === 0 || role.length > MAX_ROLE_LENGTH) throw badUserInput('role', `role must have 1 to ${MAX_ROLE_LENGTH} characters`);
  return role;
}
