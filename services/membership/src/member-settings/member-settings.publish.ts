import { BoundariesChangedV1, MemberBlockedV1, MemberPausedV1, MemberReturnedV1, MemberUnblockedV1 } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { MemberBlocksEvent } from '../domain/member-blocks.decider';
import type { MemberBoundariesEvent } from '../domain/member-boundaries.decider';
import type { MemberPauseEvent } from '../domain/member-pause.decider';

/**
 * Which member-settings events other services hear about: blocks, boundaries and pauses, which matching
 * and notifications must respect. Profiles and contact channels stay inside membership.
 */
export function publishMemberSettingsEvent(event: PendingEvent): IntegrationEventMapping | null {
  const known = event as unknown as MemberBlocksEvent | MemberBoundariesEvent | MemberPauseEvent;
  switch (known.type) {
    case 'MemberBlocked':
      return { contract: MemberBlockedV1, data: known.data };
    case 'MemberUnblocked':
      return { contract: MemberUnblockedV1, data: known.data };
    case 'BoundariesSet':
      return { contract: BoundariesChangedV1, data: known.data };
    case 'SteppedBack':
      return { contract: MemberPausedV1, data: known.data };
    case 'Returned':
      return { contract: MemberReturnedV1, data: known.data };
    default:
      return null;
  }
}
