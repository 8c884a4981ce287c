import { MemberJoinedV1, PodCreatedV1, RegionCreatedV1 } from '@mutuo/contracts';
import { definePublication, firstPublication } from '@mutuo/messaging';
import type { MemberEvent } from './domain/member.decider';
import type { PodEvent } from './domain/pod.decider';
import type { RegionEvent } from './domain/region.decider';
import { publishMemberFactsEvent } from './member-settings/member-facts.publish';
import { publishMemberSettingsEvent } from './member-settings/member-settings.publish';
import { publishPodLifecycleEvent } from './pod-admission/pod-lifecycle.publish';
import { publishRoleEvent } from './roles/roles.publish';
import { publishSignInEvent } from './sign-in/sign-in.publish';
import { publishDecisionEvent } from './decisions/decisions.publish';

const publishCreation = definePublication<RegionEvent | PodEvent | MemberEvent>({
  RegionCreated: (event) => ({ contract: RegionCreatedV1, data: event.data }),
  PodCreated: (event) => ({ contract: PodCreatedV1, data: event.data }),
  MemberJoined: (event) => ({ contract: MemberJoinedV1, data: event.data }),
});

/** Which membership events other services hear about, each use case's in turn; contacts are sealed with the key given. */
export const publishMembershipEvent = firstPublication<[codeDeliveryKey: () => Buffer]>(
  publishCreation,
  publishRoleEvent,
  publishMemberSettingsEvent,
  publishSignInEvent,
  publishPodLifecycleEvent,
  publishMemberFactsEvent,
  publishDecisionEvent,
);
