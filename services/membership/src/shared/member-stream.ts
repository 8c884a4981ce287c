import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { foldEvents, isUuid, type Command, type CommandMetadata, type Decider, type DomainEvent } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, createOnce, streamName, type IdempotentCall, type StoredEvent } from '@mutuo/event-store';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { memberBoundariesDecider, type MemberBoundariesEvent } from '../domain/member-boundaries.decider';
import { memberPauseDecider, type MemberPauseEvent } from '../domain/member-pause.decider';
import { memberProfileDecider, type MemberProfileEvent } from '../domain/member-profile.decider';
import { sharingMemberFacts } from '../domain/member-facts.decider';
import { forCurrentMembers } from '../domain/member-slice';
import { memberDecider, type MemberEvent } from '../domain/member.decider';
import type { ContactChannelDetails, MemberParent } from './member-details';

/** The member acting: the pod and person come from the verified token, never from input. */
export interface CallingMember {
  readonly podId: string;
  readonly memberId: string;
  readonly metadata: CommandMetadata;
}

export function callingMember(ctx: RequestContext, now: Date): CallingMember {
  const { podId, memberId } = actingMember(ctx);
  return { podId, memberId, metadata: commandMetadataFrom(ctx, now) };
}

/**
 * Decides commands of the member-stream slices (profile, blocks, boundaries, pause) and folds the
 * stream into the member as they are right after a change, for mutation answers.
 */
@Injectable()
export class MemberStream {
  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
  ) {}

  /** Load, decide, append with optimistic concurrency (retried on a lost race). Returns the new events. */
  async decide<State, Cmd extends Command, Evt extends DomainEvent>(
    decider: Decider<State, Cmd, Evt>,
    podId: string,
    memberId: string,
    command: Cmd,
    em: EntityManager = this.em.fork(),
  ): Promise<StoredEvent[]> {
    // Former members change nothing here until they join again; the facts others may know follow each change.
    const { newEvents } = await new CommandHandler(this.store, sharingMemberFacts(forCurrentMembers(decider))).handle(
      em,
      streamName('member', podId, memberId),
      command,
    );
    return newEvents;
  }

  /**
   * Adds something with a new id to the member's stream at most once per idempotency key (see `createOnce`): a retry
   * with the same key and input changes nothing, and the caller answers with the member as they are.
   */
  async addOnce(call: IdempotentCall, add: (tx: EntityManager, id: string) => Promise<unknown>): Promise<void> {
    await createOnce(this.em.fork(), call, { create: add, replay: async () => undefined });
  }

  /** Whether the member has joined this pod. */
  async exists(podId: string, memberId: string): Promise<boolean> {
    if (!isUuid(memberId)) return false;
    return (await this.read(podId, memberId)).some((event) => event.type === ('MemberJoined' satisfies MemberEvent['type']));
  }

  /** The member with everything the slices know, straight from the stream; null if they never joined. */
  async snapshot(podId: string, memberId: string): Promise<MemberParent | null> {
    const events = await this.read(podId, memberId);
    const member = foldEvents(memberDecider, events as unknown as MemberEvent[]);
    const profile = foldEvents(memberProfileDecider, events as unknown as MemberProfileEvent[]);
    const boundaries = foldEvents(memberBoundariesDecider, events as unknown as MemberBoundariesEvent[]);
    const pause = foldEvents(memberPauseDecider, events as unknown as MemberPauseEvent[]);
    const joined = events.find((event) => event.type === ('MemberJoined' satisfies MemberEvent['type']));
    if (member.status !== 'active' || profile.status !== 'active' || boundaries.status !== 'active' || pause.status === 'none' || !joined) {
      return null;
    }
    const channels: ContactChannelDetails[] = profile.channels.map((channel) => ({ ...channel, preferred: channel.channelId === profile.preferredChannelId }));
    return {
      id: memberId,
      podId,
      displayName: profile.profile.displayName,
      preferredLanguage: member.preferredLanguage,
      joinedAt: joined.metadata.occurredAt,
      snapshot: {
        profile: {
          pronouns: profile.profile.pronouns,
          languages: profile.profile.languages,
          skills: profile.profile.skills,
          locationCell: profile.profile.location?.cell ?? null,
        },
        privateDetails: {
          // Preferred first, then in the order they were added, as the read model lists them.
          contactChannels: [...channels.filter((channel) => channel.preferred), ...channels.filter((channel) => !channel.preferred)],
          precise: profile.profile.location?.precise ?? null,
        },
        boundaries: boundaries.boundaries,
        pause: pause.status === 'paused' ? { pausedAt: pause.pausedAt, returnAt: pause.returnAt } : null,
      },
    };
  }

  /** The calling member right after their command. */
  async snapshotOf(caller: CallingMember): Promise<MemberParent> {
    const member = await this.snapshot(caller.podId, caller.memberId);
    if (!member) throw new Error(`Member ${caller.memberId} has no member stream after a successful command`);
    return member;
  }

  private async read(podId: string, memberId: string): Promise<StoredEvent[]> {
    return (await this.store.readStream(this.em.fork(), streamName('member', podId, memberId))).events;
  }
}
