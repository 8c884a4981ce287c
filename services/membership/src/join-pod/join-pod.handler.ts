import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { foldEvents } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import { memberDecider, type MemberCommand, type MemberEvent, type MemberState } from '../domain/member.decider';
import { podDecider, type PodEvent } from '../domain/pod.decider';

export type ActiveMember = Extract<MemberState, { status: 'active' }>;

/** A person joins the pod named in their token. Their member id is derived from pod and person. */
@Injectable()
export class JoinPodHandler {
  private readonly commands: CommandHandler<MemberState, MemberCommand, MemberEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
  ) {
    this.commands = new CommandHandler(store, memberDecider);
  }

  async handle(
    input: { displayName: string; preferredLanguage?: string | null },
    ctx: RequestContext,
  ): Promise<ActiveMember & { joinedAt: string }> {
    const { identity, podId } = requirePod(ctx);
    const em = this.em.fork();
    const { events } = await this.store.readStream(em, streamName('pod', podId, podId));
    const pod = foldEvents(podDecider, events as unknown as PodEvent[]);
    const memberId = memberIdFor(podId, identity.subject);
    const metadata = commandMetadataFrom(ctx, new Date());
    const { state } = await this.commands.handle(em, streamName('member', podId, memberId), {
      type: 'JoinPod',
      data: {
        memberId,
        podId,
        personId: identity.subject,
        displayName: input.displayName,
        preferredLanguage: input.preferredLanguage ?? '',
        podLanguages: pod.status === 'active' ? pod.languages : [],
      },
      metadata,
    });
    return { ...(state as ActiveMember), joinedAt: metadata.now };
  }
}
