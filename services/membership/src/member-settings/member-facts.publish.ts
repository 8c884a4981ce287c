import { MemberContactsChangedV1, MemberErasedV1, MemberProfileChangedV1, sealMemberContacts } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { MemberFactsEvent } from '../domain/member-facts.decider';
import type { MemberErased } from '../domain/member-erasure.decider';

/**
 * What other services learn about a member as a person: the shareable profile facts, where to reach them (sealed
 * with the key membership shares with notifications, so the NATS stream never shows a contact), and their erasure.
 */
export const publishMemberFactsEvent = definePublication<MemberFactsEvent | MemberErased, [codeDeliveryKey: () => Buffer]>({
  MemberProfileFactsChanged: (event) => {
    const { memberId, podId, languages, skills, locationCell } = event.data;
    return { contract: MemberProfileChangedV1, data: { memberId, podId, languages, skills, locationCell, changedAt: event.metadata.occurredAt } };
  },
  MemberContactsChanged: (event, codeDeliveryKey) => {
    const { memberId, podId, preferredLanguage, channels, preferredChannelId } = event.data;
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
  },
  MemberErased: (event) => {
    const { memberId, podId, erasedAt } = event.data;
    return { contract: MemberErasedV1, data: { memberId, podId, erasedAt } };
  },
});
