import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberContactsChangedV1, openMemberContacts, type MemberContacts, type MemberContactsChangedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../shared/channels/notifications.config';

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The member's verified address of a kind, their preferred channel first. */
function pick(contacts: MemberContacts, kind: 'email' | 'phone', valid: RegExp): string | null {
  const verified = contacts.channels.filter((channel) => channel.kind === kind && channel.verified && valid.test(channel.value));
  const preferred = verified.find((channel) => channel.channelId === contacts.preferredChannelId);
  return (preferred ?? verified[0])?.value ?? null;
}

/**
 * Keeps the member's verified e-mail and phone, opened from the sealed event. Only the latest change counts
 * (changedAt), so a late older event does not bring back an address the member removed.
 */
@EventController()
export class RememberContactsWhenContactsChanged {
  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  @EventPattern(MemberContactsChangedV1.type)
  async handle(@Payload() event: ReceivedEvent<MemberContactsChangedV1Data>): Promise<void> {
    const { memberId, podId, preferredLanguage, changedAt } = event.data;
    // A key mismatch is a deployment error: throwing retries and then dead-letters the event for an operator.
    const contacts = openMemberContacts(this.config.codeDeliveryKey, event.data);
    const preferred = contacts.channels.find((channel) => channel.channelId === contacts.preferredChannelId);
    await query(
      event.em,
      `insert into recipients (member_id, pod_id, preferred_language, email, phone, preferred_contact, contacts_changed_at) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (member_id) do update set preferred_language = excluded.preferred_language, email = excluded.email, phone = excluded.phone,
         preferred_contact = excluded.preferred_contact, contacts_changed_at = excluded.contacts_changed_at
       where recipients.erased_at is null and (recipients.contacts_changed_at is null or recipients.contacts_changed_at < excluded.contacts_changed_at)`,
      [
        memberId,
        podId,
        preferredLanguage,
        pick(contacts, 'email', EMAIL),
        pick(contacts, 'phone', E164),
        preferred?.kind === 'email' ? 'email' : preferred?.kind === 'phone' ? 'sms' : null,
        changedAt,
      ],
    );
  }
}
