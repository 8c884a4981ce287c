import { MemberLeftV1, PodApplicationDeclinedV1, PodLeftRegionV1, PodSettingsChangedV1 } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { MemberLeft } from '../domain/member.decider';
import type { PodApplicationDeclined } from '../domain/pod-application.decider';
import type { PodSettingsChanged } from '../domain/pod-settings.decider';
import type { PodLeftRegion } from '../domain/pod.decider';

type Published = PodApplicationDeclined | PodLeftRegion | PodSettingsChanged | MemberLeft;

/**
 * Which events of pods' and members' lifecycle other services hear about. Applications, invite codes,
 * agreements and join questions stay inside membership: nobody else acts on them.
 */
export function publishPodLifecycleEvent(event: PendingEvent): IntegrationEventMapping | null {
  const known = event as unknown as Published;
  const at = known.metadata.occurredAt;
  switch (known.type) {
    case 'PodApplicationDeclined': {
      const { applicationId, regionId, applicantPersonId, name, reason } = known.data;
      return { contract: PodApplicationDeclinedV1, data: { applicationId, regionId, applicantPersonId, name, reason, declinedAt: at } };
    }
    case 'PodLeftRegion':
      return { contract: PodLeftRegionV1, data: { podId: known.data.podId, regionId: known.data.regionId, leftAt: at } };
    case 'PodSettingsChanged': {
      const { podId, requestVisibility, escalateToNeighbours, admissionMode } = known.data;
      return { contract: PodSettingsChangedV1, data: { podId, requestVisibility, escalateToNeighbours, admissionMode, changedAt: at } };
    }
    case 'MemberLeft':
      return { contract: MemberLeftV1, data: { memberId: known.data.memberId, podId: known.data.podId, leftAt: at } };
    default:
      return null;
  }
}
