import { Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@mutuo/domain';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { memberProfileDecider, type MemberProfileCommand, type ProfileChanges } from '../../domain/member-profile.decider';
import type { MemberParent } from '../../shared/member-details';
import { callingMember, MemberStream } from '../../shared/member-stream';

/** A member edits their own profile and contact channels (the member comes from the token, never from input). */
@Injectable()
export class MemberProfileHandler {
  constructor(
    private readonly stream: MemberStream,
    private readonly clock: Clock,
  ) {}

  updateProfile(ctx: RequestContext, changes: ProfileChanges): Promise<MemberParent> {
    return this.run(ctx, (metadata) => ({ type: 'UpdateProfile', data: changes, metadata }));
  }

  /** A new channel starts unverified; the first one becomes the preferred one. A retry with the same key adds none. */
  async addContactChannel(ctx: RequestContext, input: { kind: string; value: string }, idempotencyKey: string | null = null): Promise<MemberParent> {
    const caller = callingMember(ctx, this.clock.now());
    const call = { key: idempotencyKey, podId: caller.podId, actorId: caller.memberId, operation: 'membership.addContactChannel', input };
    await this.stream.addOnce(call, (tx, channelId) =>
      this.stream.decide(
        memberProfileDecider,
        caller.podId,
        caller.memberId,
        { type: 'AddContactChannel', data: { channelId, ...input }, metadata: caller.metadata },
        tx,
      ),
    );
    return this.stream.snapshotOf(caller);
  }

  removeContactChannel(ctx: RequestContext, channelId: string): Promise<MemberParent> {
    return this.run(ctx, (metadata) => ({ type: 'RemoveContactChannel', data: { channelId }, metadata }));
  }

  setPreferredChannel(ctx: RequestContext, channelId: string): Promise<MemberParent> {
    return this.run(ctx, (metadata) => ({ type: 'SetPreferredChannel', data: { channelId }, metadata }));
  }

  /** For sign-in, once the member proved they receive messages on the channel. */
  private async run(ctx: RequestContext, command: (metadata: CommandMetadata) => MemberProfileCommand): Promise<MemberParent> {
    const caller = callingMember(ctx, this.clock.now());
    await this.stream.decide(memberProfileDecider, caller.podId, caller.memberId, command(caller.metadata));
    return this.stream.snapshotOf(caller);
  }
}
