import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { memberBlocksDecider } from '../../domain/member-blocks.decider';
import { callingMember, MemberStream } from '../../shared/member-stream';

export interface BlockOutcome {
  readonly memberId: string;
  readonly blocked: boolean;
}

/** A member blocks or unblocks another member of their pod. Both are idempotent. */
@Injectable()
export class MemberBlocksHandler {
  constructor(
    private readonly stream: MemberStream,
    private readonly clock: Clock,
  ) {}

  async block(ctx: RequestContext, memberId: string): Promise<BlockOutcome> {
    const caller = callingMember(ctx, this.clock.now());
    // Only a member of the caller's own pod can be blocked: their stream is looked up in that pod.
    const blockedMemberExists = await this.stream.exists(caller.podId, memberId);
    await this.stream.decide(memberBlocksDecider, caller.podId, caller.memberId, {
      type: 'BlockMember',
      data: { blockedMemberId: memberId, blockedMemberExists },
      metadata: caller.metadata,
    });
    return { memberId, blocked: true };
  }

  async unblock(ctx: RequestContext, memberId: string): Promise<BlockOutcome> {
    const caller = callingMember(ctx, this.clock.now());
    await this.stream.decide(memberBlocksDecider, caller.podId, caller.memberId, {
      type: 'UnblockMember',
      data: { blockedMemberId: memberId },
      metadata: caller.metadata,
    });
    return { memberId, blocked: false };
  }
}
