import { BoundariesChangedV1, MemberBlockedV1, MemberPausedV1, MemberReturnedV1, MemberUnblockedV1 } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { MemberBlocksEvent } from '../domain/member-blocks.decider';
import type { MemberBoundariesEvent } from '../domain/member-boundaries.decider';
import type { MemberPauseEvent } from '../domain/member-pause.decider';

/**
 * Which member-settings events other services hear about: blocks, boundaries and pauses, which matching
 * and notifications must respect. Profiles and contact channels stay inside membership.
 */
export const publishMemberSettingsEvent = definePublication<MemberBlocksEvent | MemberBoundariesEvent | MemberPauseEvent>({
  MemberBlocked: (event) => ({ contract: MemberBlockedV1, data: event.data }),
  MemberUnblocked: (event) => ({ contract: MemberUnblockedV1, data: event.data }),
  BoundariesSet: (event) => ({ contract: BoundariesChangedV1, data: event.data }),
  SteppedBack: (event) => ({ contract: MemberPausedV1, data: event.data }),
  Returned: (event) => ({ contract: MemberReturnedV1, data: event.data }),
});
