import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberJoinedV1, type MemberJoinedV1Data } from '@mutuo/contracts';
import { RethrowEventErrorsFilter, type ReceivedEvent } from '@mutuo/messaging';
import { PodHelperSchema } from '../pod-helpers/pod-helper.entity';

/** Every member may be asked for help; matching keeps its own list, fed by membership's events. */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class TrackHelpersWhenMemberJoined {
  @EventPattern(MemberJoinedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberJoinedV1Data>): Promise<void> {
    await event.em.upsert(PodHelperSchema, {
      memberId: event.data.memberId,
      podId: event.data.podId,
      joinedAt: new Date(event.time),
    });
  }
}
