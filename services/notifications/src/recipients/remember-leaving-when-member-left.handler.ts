import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberLeftV1, type MemberLeftV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** A member who left their pod is no longer an active member of it: a phone tree may not name them. */
@EventController()
export class RememberLeavingWhenMemberLeft {
  @EventPattern(MemberLeftV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberLeftV1Data>): Promise<void> {
    const { memberId, podId, leftAt } = event.data;
    await query(event.em, 'update recipients set left_at = ? where member_id = ? and pod_id = ?', [leftAt, memberId, podId]);
  }
}
