import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberJoinedV1, type MemberJoinedV1Data } from '@mutuo/contracts';
import { RethrowEventErrorsFilter, type ReceivedEvent } from '@mutuo/messaging';
import { RecipientSchema } from '../recipients/recipient.entity';
import { NotificationRecorder } from './notification-recorder';

/** Remembers how to address a new member and welcomes them in their language. */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class WelcomeMemberWhenMemberJoined {
  constructor(private readonly recorder: NotificationRecorder) {}

  @EventPattern(MemberJoinedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberJoinedV1Data>): Promise<void> {
    const { memberId, podId, displayName, preferredLanguage } = event.data;
    await event.em.upsert(RecipientSchema, { memberId, podId, displayName, preferredLanguage });
    await this.recorder.record(event.em, event, {
      recipientMemberId: memberId,
      kind: 'welcome',
      subjectId: podId,
      params: { name: displayName },
    });
  }
}
