import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchMadeV1, type MatchMadeV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/** Remembers which pod each helper of a request belongs to, so hours for cross-pod help clear between the two pods. */
@EventController()
export class NoteHelperPodWhenMatchMade {
  @EventPattern(MatchMadeV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchMadeV1Data>): Promise<void> {
    const { requestId, podId, helperMemberId, helperPodId } = event.data;
    await setTransactionPod(event.em, podId);
    await query(
      event.em,
      `insert into request_helper_pods (request_id, helper_member_id, pod_id, helper_pod_id) values (?, ?, ?, ?)
       on conflict (request_id, helper_member_id) do update set helper_pod_id = excluded.helper_pod_id`,
      [requestId, helperMemberId, podId, helperPodId],
    );
  }
}
