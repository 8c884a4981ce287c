import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchMadeV1, MatchWithdrawnV1, type MatchMadeV1Data, type MatchWithdrawnV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';

/**
 * An accepted match lets its requester and helper see each other's contact channels (privacy/member-visibility.ts),
 * across pods too, while it stands. The matching service decides matches; membership only keeps the pair.
 */
@EventController()
export class RevealContactsWhenMatchMade {
  @EventPattern(MatchMadeV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchMadeV1Data>): Promise<void> {
    const { matchId, requesterMemberId, requesterPodId, helperMemberId, helperPodId, matchedAt } = event.data;
    // A withdrawal delivered first leaves its row withdrawn: the late match-made inserts nothing.
    await query(
      event.em,
      `insert into match_counterparts (match_id, requester_member_id, requester_pod_id, helper_member_id, helper_pod_id, matched_at)
       values (?, ?, ?, ?, ?, ?) on conflict (match_id) do nothing`,
      [matchId, requesterMemberId, requesterPodId, helperMemberId, helperPodId, matchedAt],
    );
  }
}

/** A withdrawn match reveals nothing any more. */
@EventController()
export class HideContactsWhenMatchWithdrawn {
  @EventPattern(MatchWithdrawnV1.type)
  async handle(@Payload() event: ReceivedEvent<MatchWithdrawnV1Data>): Promise<void> {
    const { matchId, requesterMemberId, podId, helperMemberId, helperPodId, withdrawnAt } = event.data;
    await query(
      event.em,
      `insert into match_counterparts (match_id, requester_member_id, requester_pod_id, helper_member_id, helper_pod_id, matched_at, withdrawn_at)
       values (?, ?, ?, ?, ?, ?, ?)
       on conflict (match_id) do update set withdrawn_at = coalesce(match_counterparts.withdrawn_at, excluded.withdrawn_at)`,
      [matchId, requesterMemberId, podId, helperMemberId, helperPodId, withdrawnAt, withdrawnAt],
    );
  }
}
