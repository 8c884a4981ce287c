import { PersonalDataCodec, standIn, type KeyEncryptionKeys, type PendingEvent, type PersonalFields } from '@mutuo/event-store';
import type { DeliveryDetails } from '../domain/delivery.decider';
import type { NotificationDetails } from '../domain/notification.decider';

/** What a replay shows where an erased member's message text was. */
const ERASED_CONTENT = { type: 'rendered', locale: 'en', subject: '', body: '' };

/**
 * Notifications' crypto-shredding: the rendered texts written to a member (they may hold their name, their request's
 * title) are sealed with that member's data key, which erasure destroys. Ids, kinds, channels and times stay readable,
 * so delivery history still adds up.
 */
const PERSONAL_FIELDS: Readonly<Record<string, PersonalFields>> = {
  NotificationRecorded: { text: standIn('') },
  DeliveryDecided: { content: standIn(ERASED_CONTENT) },
};

function ownerOf(event: PendingEvent): string | null {
  if (event.type === 'NotificationRecorded') return (event.data as NotificationDetails).recipientMemberId;
  if (event.type === 'DeliveryDecided') {
    const details = event.data as DeliveryDetails;
    // Codes travel sealed for the address already; webhooks carry no member's text.
    return details.recipient.type === 'member' && details.content.type === 'rendered' ? details.recipient.memberId : null;
  }
  return null;
}

export function notificationsPersonalDataCodec(keks: KeyEncryptionKeys): PersonalDataCodec {
  return new PersonalDataCodec({ fieldsOf: (event) => PERSONAL_FIELDS[event.type], ownerOf }, keks);
}
