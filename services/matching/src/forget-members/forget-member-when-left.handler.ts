import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberLeftV1, type MemberLeftV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { refreshHelperSearch } from '../shared/helper-search.read-model';

/** A member who left is never suggested again; their open suggestions are withdrawn from view. */
@EventController()
export class ForgetMemberWhenLeft {
  @EventPattern(MemberLeftV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberLeftV1Data>): Promise<void> {
    const { memberId, podId, leftAt } = event.data;
    await query(
      event.em,
      `insert into pod_helpers (member_id, pod_id, joined_at, left_at) values (?, ?, ?, ?)
       on conflict (member_id) do update set left_at = excluded.left_at`,
      [memberId, podId, leftAt, leftAt],
    );
    await refreshHelperSearch(event.em, memberId);
    await query(event.em, `update open_offers set status = 'closed' where helper_member_id = ?`, [memberId]);
    await query(event.em, `update suggestions_view set status = 'withdrawn' where helper_member_id = ? and status = 'open'`, [memberId]);
  }
}
