import { MemberContactsChangedV1, MemberErasedV1, MemberProfileChangedV1, sealMemberContacts } from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { MemberFactsEvent } from '../domain/member-facts.decider';
import type { MemberErased } from '../domain/member-erasure.decider';

/**
 * What other services learn about a member as a person: the shareable profile facts, where to reach them (sealed
 * with the key membership shares with notifications, so the NATS stream never shows a contact), and their erasure.
 */
export function publishMemberFactsEvent(event: PendingEvent, codeDeliveryKey: () => Buffer): IntegrationEventMapping | null {
  const known = event as unknown as MemberFactsEvent | MemberErased;
  switch (known.type) {
    case 'MemberProfileFactsChanged': {
      const { memberId, podId, languages, skills, locationCell } = known.data;
      return { contract: MemberProfileChangedV1, data: { memberId, podId, languages, skills, locationCell, changedAt: event.metadata.occurredAt } };
    }
    case 'MemberContactsChanged': {
      const { memberId, podId, preferredLanguage, channels, preferredChannelId } = known.data;
      return {
        contract: MemberContactsChangedV1,
        data: {
          memberId,
          podId,
          preferredLanguage,
          changedAt: event.metadata.occurredAt,
          sealed: sealMemberContacts(codeDeliveryKey(), memberId, { channels, preferredChannelId }),
        },
      };
    }
    case 'MemberErased': {
      const { memberId, podId, erasedAt } = known.data;
      return { contract: MemberErasedV1, data: { memberId, podId, erasedAt } };
    }
    default:
      return null;
  }
}
