import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import {
  memberAdmissionDecider,
  type MemberAdmissionCommand,
  type MemberAdmissionEvent,
  type MemberAdmissionState,
} from '../../domain/member-admission.decider';
import {
  podAgreementsDecider,
  type AgreementsPublished,
  type PodAgreementsCommand,
  type PodAgreementsEvent,
  type PodAgreementsState,
} from '../../domain/pod-agreements.decider';
import type { MemberParent } from '../../shared/member-details';
import { MemberStream } from '../../shared/member-stream';
import { requirePerson } from '../input';
import { PodFacts } from '../../shared/pod-facts';
import { memberStream, podAgreementsStream } from '../../shared/pod-streams';

/** A version of a pod's agreements as the API shows it. */
export interface AgreementsVersion {
  readonly podId: string;
  readonly version: number;
  readonly text: string;
  readonly publishedAt: string;
  readonly publishedByMemberId: string;
}

/** Coordinators publish a pod's agreements; members acknowledge the version they read. */
@Injectable()
export class AgreementsHandler {
  private readonly agreements: CommandHandler<PodAgreementsState, PodAgreementsCommand, PodAgreementsEvent>;
  private readonly members: CommandHandler<MemberAdmissionState, MemberAdmissionCommand, MemberAdmissionEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly facts: PodFacts,
    private readonly memberStreams: MemberStream,
  ) {
    this.agreements = new CommandHandler(store, podAgreementsDecider);
    this.members = new CommandHandler(store, memberAdmissionDecider);
  }

  /** Publishing the text the pod already has is no new version: the current one is returned. */
  async publish(input: { text: string; basedOnVersion?: number | null }, ctx: RequestContext): Promise<AgreementsVersion> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId, memberId } = await this.facts.requireCoordinator(em, ctx, now);
    const podExists = (await this.facts.pod(em, podId)).status === 'active';
    await this.agreements.handle(em, podAgreementsStream(podId), {
      type: 'PublishAgreements',
      data: { podId, podExists, publishedByMemberId: memberId, text: input.text, basedOnVersion: input.basedOnVersion ?? null },
      metadata: commandMetadataFrom(ctx, now),
    });
    const { events } = await this.store.readStream(em, podAgreementsStream(podId));
    const latest = events[events.length - 1] as unknown as AgreementsPublished;
    return { ...latest.data, publishedAt: latest.metadata.occurredAt };
  }

  /** The caller acknowledges the current version of their pod's agreements. */
  async acknowledge(version: number, ctx: RequestContext): Promise<MemberParent & { acknowledgedAgreementsVersion: number }> {
    requirePerson(ctx);
    const { identity, podId } = requirePod(ctx);
    const em = this.em.fork();
    const memberId = memberIdFor(podId, identity.subject);
    const metadata = commandMetadataFrom(ctx, this.facts.now());
    const { version: currentVersion } = await this.facts.agreements(em, podId);
    await this.members.handle(em, memberStream(podId, memberId), { type: 'AcknowledgeAgreements', data: { version, currentVersion }, metadata });
    return { ...(await this.memberStreams.snapshotOf({ podId, memberId, metadata })), acknowledgedAgreementsVersion: version };
  }
}
