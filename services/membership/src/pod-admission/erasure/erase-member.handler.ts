import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { CommandHandler, destroyPersonalDataKey, PostgresEventStore, query } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import {
  memberErasureDecider,
  type ErasureRequester,
  type MemberErasureCommand,
  type MemberErasureEvent,
  type MemberErasureState,
} from '../../domain/member-erasure.decider';
import { podRolesDecider, type PodRolesCommand, type PodRolesEvent, type PodRolesState } from '../../domain/pod-roles.decider';
import { requirePerson, requireUuid } from '../input';
import { PodFacts } from '../../shared/pod-facts';
import { memberStream } from '../../shared/pod-streams';
import { podRolesStream } from '../../shared/pod-roles-stream';

export interface MemberErasureReceipt {
  readonly memberId: string;
  readonly podId: string;
  readonly erasedAt: string;
  readonly requestedBy: ErasureRequester;
}

/**
 * Erases a member's personal data by crypto-shredding, in one transaction: the member leaves (their roles end,
 * as leaving would have it), the erasure is appended to their stream, their data key is deleted, and their
 * sessions and pending sign-in codes in the pod are removed. From then on every personal field of their events
 * opens to its stand-in ("Former member", "(erased)"), in this process, on rebuilds and in the outbox relay.
 */
@Injectable()
export class EraseMemberHandler {
  private readonly members: CommandHandler<MemberErasureState, MemberErasureCommand, MemberErasureEvent>;
  private readonly roles: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.members = new CommandHandler(store, memberErasureDecider);
    this.roles = new CommandHandler(store, podRolesDecider);
  }

  /** The caller's own membership in the pod of their token. */
  async eraseSelf(ctx: RequestContext): Promise<MemberErasureReceipt> {
    requirePerson(ctx);
    const { identity, podId } = requirePod(ctx);
    return this.erase(podId, memberIdFor(podId, identity.subject), 'member', ctx, this.facts.now());
  }

  /** A current coordinator, for a member of their pod who asked them (for example in person). */
  async eraseForMember(memberIdInput: string, ctx: RequestContext): Promise<MemberErasureReceipt> {
    requirePerson(ctx);
    const now = this.facts.now();
    const { podId } = await this.facts.requireCoordinator(this.em.fork(), ctx, now);
    return this.erase(podId, requireUuid('memberId', memberIdInput), 'coordinator', ctx, now);
  }

  private erase(podId: string, memberId: string, requestedBy: ErasureRequester, ctx: RequestContext, now: Date): Promise<MemberErasureReceipt> {
    const metadata = commandMetadataFrom(ctx, now);
    return this.em.fork().transactional(async (tx) => {
      const { state } = await this.members.handle(tx, memberStream(podId, memberId), { type: 'EraseMember', data: { requestedBy }, metadata });
      if (state.status !== 'erased') throw new Error(`Member ${memberId} is not erased after a successful erasure`);
      const { state: roles } = await this.roles.load(tx, podRolesStream(podId));
      for (const term of Object.values(roles.terms).filter((candidate) => candidate.memberId === memberId)) {
        await this.roles.handle(tx, podRolesStream(podId), { type: 'StepDown', data: { podId, role: term.role, memberId }, metadata });
      }
      // The shredding itself: without the key, the sealed fields of the member's events never open again.
      await destroyPersonalDataKey(tx, memberId);
      // Security state that is not history: sessions into this pod (refresh tokens go with them) and codes waiting.
      await query(tx, 'delete from sign_in_sessions where person_id = ? and pod_id = ?', [state.member.personId, podId]);
      await query(tx, 'delete from sign_in_codes where member_id = ? or (person_id = ? and pod_id = ?)', [memberId, state.member.personId, podId]);
      return { memberId, podId, erasedAt: state.erasedAt, requestedBy };
    });
  }
}
