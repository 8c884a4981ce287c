import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, claimIdempotencyKey, type IdempotentInput } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { INVITE_CODE_FIELD, inviteCodeDecider, type InviteCodeCommand, type InviteCodeEvent, type InviteCodeState } from '../../domain/invite-code.decider';
import {
  memberAdmissionDecider,
  type JoinApplication,
  type MemberAdmissionCommand,
  type MemberAdmissionEvent,
  type MemberAdmissionState,
} from '../../domain/member-admission.decider';
import { sharingMemberFacts, type MemberFactsEvent, type SharingMemberFacts } from '../../domain/member-facts.decider';
import type { MemberState } from '../../domain/member.decider';
import type { MemberParent } from '../../shared/member-details';
import { MemberStream } from '../../shared/member-stream';
import { metadataInPod, podToEnter, requireUuid } from '../input';
import { PodFacts } from '../../shared/pod-facts';
import { inviteCodeStream, memberStream } from '../../shared/pod-streams';
import { inviteCodeKey, normalizeInviteCode } from './invite-code';

export type ActiveMember = Extract<MemberState, { status: 'active' }>;

export interface JoinInput extends IdempotentInput {
  /** The pod to join; defaults to the token's. */
  readonly podId?: string | null;
  readonly displayName: string;
  readonly preferredLanguage?: string | null;
  readonly inviteCode?: string | null;
  readonly agreementsVersion?: number | null;
}

export interface ApplyToJoinInput extends IdempotentInput {
  /** The pod to apply to; defaults to the token's. */
  readonly podId?: string | null;
  readonly displayName: string;
  readonly preferredLanguage?: string | null;
  readonly answers: readonly { questionId: string; answer: string }[];
  readonly agreementsVersion?: number | null;
}

/** An application to join as the API shows it; its id is the member id the person has in the pod. */
export interface JoinApplicationView extends Omit<JoinApplication, 'personId'> {
  readonly id: string;
  readonly podId: string;
}

/**
 * People joining a pod the way its settings say: directly (open), with an invite code, or by an application
 * a coordinator approves. Who joins always comes from the verified token (its pod and subject); the member
 * id derives from both, so one person has one membership per pod and a second join is refused.
 */
@Injectable()
export class MemberAdmissionHandler {
  private readonly members: CommandHandler<MemberAdmissionState, MemberAdmissionCommand, MemberAdmissionEvent>;
  /** Joining also states the newcomer's profile facts, which other services match on. */
  private readonly joining: CommandHandler<SharingMemberFacts<MemberAdmissionState>, MemberAdmissionCommand, MemberAdmissionEvent | MemberFactsEvent>;
  private readonly inviteCodes: CommandHandler<InviteCodeState, InviteCodeCommand, InviteCodeEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
    private readonly memberStreams: MemberStream,
  ) {
    this.members = new CommandHandler(store, memberAdmissionDecider);
    this.joining = new CommandHandler(store, sharingMemberFacts(memberAdmissionDecider));
    this.inviteCodes = new CommandHandler(store, inviteCodeDecider);
  }

  /** The joining and the use of the invite code are one transaction: both are written, or neither. */
  async join(input: JoinInput, ctx: RequestContext): Promise<ActiveMember & { joinedAt: string; acknowledgedAgreementsVersion: number | null }> {
    const { identity, podId } = podToEnter(ctx, input.podId);
    const memberId = memberIdFor(podId, identity.subject);
    const code = input.inviteCode == null ? null : codeKey(podId, input.inviteCode);
    const metadata = metadataInPod(ctx, podId, this.facts.now());
    const { idempotencyKey, ...asked } = input;
    return this.em.fork().transactional(async (tx) => {
      // The member id is the person's in the pod, so the key only turns a retry's "already a member" into the member.
      const claim = await claimIdempotencyKey(
        tx,
        { key: idempotencyKey, podId, actorId: identity.subject, operation: 'membership.joinPod', input: asked },
        () => memberId,
      );
      if (claim.replayed) {
        const { slice: joined } = (await this.joining.load(tx, memberStream(podId, memberId))).state;
        return { ...(joined.member as ActiveMember), joinedAt: metadata.now, acknowledgedAgreementsVersion: joined.acknowledgedVersion };
      }
      const pod = await this.facts.admission(tx, podId);
      const {
        state: { slice: state },
      } = await this.joining.handle(tx, memberStream(podId, memberId), {
        type: 'JoinPod',
        data: {
          memberId,
          podId,
          personId: identity.subject,
          displayName: input.displayName,
          preferredLanguage: input.preferredLanguage ?? '',
          pod,
          inviteCodeGiven: code !== null,
          agreementsVersion: input.agreementsVersion ?? null,
        },
        metadata,
      });
      if (code) {
        await this.inviteCodes.handle(tx, inviteCodeStream(podId, code.codeId), { type: 'RedeemInviteCode', data: { memberId }, metadata });
      }
      return { ...(state.member as ActiveMember), joinedAt: metadata.now, acknowledgedAgreementsVersion: state.acknowledgedVersion };
    });
  }

  async apply(input: ApplyToJoinInput, ctx: RequestContext): Promise<JoinApplicationView> {
    const { identity, podId } = podToEnter(ctx, input.podId);
    const memberId = memberIdFor(podId, identity.subject);
    const em = this.em.fork();
    const pod = await this.facts.admission(em, podId);
    const { idempotencyKey, ...asked } = input;
    const call = { key: idempotencyKey, podId, actorId: identity.subject, operation: 'membership.applyToJoin', input: asked };
    const { state } = await this.members.create(
      em,
      call,
      (id) => memberStream(podId, id),
      () => ({
        type: 'ApplyToJoin',
        data: {
          memberId,
          podId,
          personId: identity.subject,
          displayName: input.displayName,
          preferredLanguage: input.preferredLanguage ?? '',
          pod,
          answers: input.answers,
          agreementsVersion: input.agreementsVersion ?? null,
        },
        metadata: metadataInPod(ctx, podId, this.facts.now()),
      }),
      () => memberId,
    );
    return applicationView(podId, memberId, state)!;
  }

  /** A coordinator admits an applicant: the approval and the joining are one append to the applicant's stream. */
  async approve(memberIdInput: string, ctx: RequestContext): Promise<MemberParent & { acknowledgedAgreementsVersion: number | null }> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const memberId = requireUuid('memberId', memberIdInput);
    const pod = await this.facts.pod(em, podId);
    const metadata = commandMetadataFrom(ctx, now);
    const {
      state: { slice: state },
    } = await this.joining.handle(em, memberStream(podId, memberId), {
      type: 'ApproveJoinApplication',
      data: { memberId, podId, podLanguages: pod.status === 'active' ? pod.languages : [] },
      metadata,
    });
    return { ...(await this.memberStreams.snapshotOf({ podId, memberId, metadata })), acknowledgedAgreementsVersion: state.acknowledgedVersion };
  }

  async decline(input: { memberId: string; reason: string }, ctx: RequestContext): Promise<JoinApplicationView> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const memberId = requireUuid('memberId', input.memberId);
    const { state } = await this.members.handle(em, memberStream(podId, memberId), {
      type: 'DeclineJoinApplication',
      data: { memberId, podId, reason: input.reason },
      metadata: commandMetadataFrom(ctx, now),
    });
    return applicationView(podId, memberId, state)!;
  }

  /** The caller's latest application to the pod named (else the pod in their token), straight from their stream. */
  async mine(ctx: RequestContext, podIdInput?: string | null): Promise<JoinApplicationView | null> {
    const { identity, podId } = podToEnter(ctx, podIdInput);
    const memberId = memberIdFor(podId, identity.subject);
    const { state } = await this.members.load(this.em.fork(), memberStream(podId, memberId));
    return applicationView(podId, memberId, state);
  }
}

/** A code that cannot be one is refused like an unknown one, before anything is read. */
function codeKey(podId: string, input: string) {
  const normalized = normalizeInviteCode(input);
  if (normalized === null) throw new DomainRuleViolation('INVALID_INVITE_CODE', 'This invite code is not valid for this pod', INVITE_CODE_FIELD);
  return inviteCodeKey(podId, normalized);
}

function applicationView(podId: string, memberId: string, state: MemberAdmissionState): JoinApplicationView | null {
  if (!state.application) return null;
  const { personId: _personId, ...application } = state.application;
  return { ...application, id: memberId, podId };
}
