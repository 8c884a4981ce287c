import { EventPattern, Payload } from '@nestjs/microservices';
import { PodLeftRegionV1, type PodLeftRegionV1Data } from '@mutuo/contracts';
import { query, setTransactionPod } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from '../shared/policy-settings';
import { requestMatchingStream, SuggestHelpersService } from '../shared/suggest-helpers.service';

export const REGION_BOUNDARY_ACTOR = 'system:matching-region-boundary';

/**
 * A pod that left its region is nobody's neighbour there: it leaves the region's pods (so no scan escalates to or
 * from it), and every escalation crossing the new boundary (its own requests offered to the region, the region's
 * requests offered to it) withdraws the suggestions on the other side, with the reason the helpers see. All in the
 * event's transaction with its inbox row; the decider makes a redelivery change nothing.
 */
@EventController()
export class StopEscalatingWhenPodLeftRegion {
  constructor(
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  @EventPattern(PodLeftRegionV1.type)
  async handle(@Payload() event: ReceivedEvent<PodLeftRegionV1Data>): Promise<void> {
    const { podId, regionId } = event.data;
    await query(event.em, 'update matching_pods set region_id = null where pod_id = ? and region_id = ?', [podId, regionId]);
    const crossing = await this.escalationsCrossing(event, podId);
    const now = this.clock.now();
    for (const request of crossing) {
      await setTransactionPod(event.em, request.pod_id);
      await this.suggestions.commands.handle(event.em, requestMatchingStream(request.pod_id, request.request_id), {
        type: 'WithdrawEscalation',
        data: { leftPodId: podId, regionId },
        metadata: { ...commandMetadataForEvent(event, REGION_BOUNDARY_ACTOR, now), podId: request.pod_id },
      });
    }
    await setTransactionPod(event.em, event.podId);
  }

  /** The pod's own escalated requests and those escalated to it, across pods: the scan opts in to reading them. */
  private async escalationsCrossing(event: ReceivedEvent<PodLeftRegionV1Data>, podId: string) {
    await query(event.em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
    const rows = await query<{ request_id: string; pod_id: string }>(
      event.em,
      `select request_id, pod_id from tracked_requests
       where status <> 'closed' and escalated_at is not null and (pod_id = ?::uuid or ?::uuid = any(escalated_to))
       order by pod_id, request_id`,
      [podId, podId],
    );
    await query(event.em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
    return rows;
  }
}
