import { MemberLeftV1, PodApplicationDeclinedV1, PodJoinedRegionV1, PodLeftRegionV1, PodSettingsChangedV1 } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { MemberLeft } from '../domain/member.decider';
import type { PodApplicationDeclined } from '../domain/pod-application.decider';
import type { PodSettingsChanged } from '../domain/pod-settings.decider';
import type { PodJoinedRegion, PodLeftRegion } from '../domain/pod.decider';

type Published = PodApplicationDeclined | PodLeftRegion | PodJoinedRegion | PodSettingsChanged | MemberLeft;

/**
 * Which events of pods' and members' lifecycle other services hear about. Applications, invite codes,
 * agreements and join questions stay inside membership: nobody else acts on them.
 */
export const publishPodLifecycleEvent = definePublication<Published>({
  PodApplicationDeclined: (event) => {
    const { applicationId, regionId, applicantPersonId, name, reason } = event.data;
    return { contract: PodApplicationDeclinedV1, data: { applicationId, regionId, applicantPersonId, name, reason, declinedAt: event.metadata.occurredAt } };
  },
  PodLeftRegion: (event) => ({
    contract: PodLeftRegionV1,
    data: { podId: event.data.podId, regionId: event.data.regionId, leftAt: event.metadata.occurredAt },
  }),
  PodJoinedRegion: (event) => ({
    contract: PodJoinedRegionV1,
    data: { ...event.data, joinedAt: event.metadata.occurredAt },
  }),
  PodSettingsChanged: (event) => {
    const { podId, requestVisibility, escalateToNeighbours, admissionMode } = event.data;
    return { contract: PodSettingsChangedV1, data: { podId, requestVisibility, escalateToNeighbours, admissionMode, changedAt: event.metadata.occurredAt } };
  },
  MemberLeft: (event) => ({ contract: MemberLeftV1, data: { memberId: event.data.memberId, podId: event.data.podId, leftAt: event.metadata.occurredAt } }),
});
