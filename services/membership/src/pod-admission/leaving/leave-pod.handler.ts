import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { foldEvents } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import {
  memberAdmissionDecider,
  type MemberAdmissionCommand,
  type MemberAdmissionEvent,
  type MemberAdmissionState,
} from '../../domain/member-admission.decider';
import { memberProfileDecider, type MemberProfileEvent } from '../../domain/member-profile.decider';
import type { MemberState } from '../../domain/member.decider';
import { podRolesDecider, type PodRolesCommand, type PodRolesEvent, type PodRolesState } from '../../domain/pod-roles.decider';
import { requirePerson } from '../input';
import { PodFacts } from '../../shared/pod-facts';
import { memberStream } from '../../shared/pod-streams';
import { podRolesStream } from '../../shared/pod-roles-stream';

/** A member who has just left, as the API shows them. */
export interface FormerMember {
  readonly id: string;
  readonly podId: string;
  readonly displayName: string;
  readonly preferredLanguage: string;
  readonly joinedAt: string;
  readonly status: 'former';
  readonly leftAt: string;
  /** The roles whose terms ended because they left. */
  readonly endedRoles: readonly string[];
}

/**
 * A member leaves their pod. In the same transaction every role they hold ends through the roles aggregate's
 * own step-down (so the last coordinator leaving raises its coordinator-gap alert, as stepping down does):
 * nobody is left holding a role in a pod they are no longer part of, and nothing is half done.
 */
@Injectable()
export class LeavePodHandler {
  private readonly members: CommandHandler<MemberAdmissionState, MemberAdmissionCommand, MemberAdmissionEvent>;
  private readonly roles: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.members = new CommandHandler(store, memberAdmissionDecider);
    this.roles = new CommandHandler(store, podRolesDecider);
  }

  async leave(ctx: RequestContext): Promise<FormerMember> {
    requirePerson(ctx);
    const { identity, podId } = requirePod(ctx);
    const memberId = memberIdFor(podId, identity.subject);
    const metadata = commandMetadataFrom(ctx, this.facts.now());
    return this.em.fork().transactional(async (tx) => {
      const { state } = await this.members.handle(tx, memberStream(podId, memberId), { type: 'LeavePod', data: {}, metadata });
      const { state: roles } = await this.roles.load(tx, podRolesStream(podId));
      const held = Object.values(roles.terms).filter((term) => term.memberId === memberId);
      for (const term of held) {
        await this.roles.handle(tx, podRolesStream(podId), { type: 'StepDown', data: { podId, role: term.role, memberId }, metadata });
      }
      const former = state.member as Extract<MemberState, { status: 'left' }>;
      // The name they went by last (their profile's), and when they joined this time.
      const { events } = await this.store.readStream(tx, memberStream(podId, memberId));
      const profile = foldEvents(memberProfileDecider, events as unknown as MemberProfileEvent[]);
      const joinedAt = [...events].reverse().find((event) => event.type === 'MemberJoined')!.metadata.occurredAt;
      return {
        id: memberId,
        podId,
        displayName: profile.status === 'active' ? profile.profile.displayName : former.displayName,
        preferredLanguage: former.preferredLanguage,
        joinedAt,
        status: 'former',
        leftAt: former.leftAt,
        endedRoles: held.map((term) => term.role).sort(),
      };
    });
  }
}
