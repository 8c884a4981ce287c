import { memberIdFor, sealMemberContacts } from '@mutuo/contracts';
import { PersonalDataCodec, standIn, type KeyEncryptionKeys, type PendingEvent, type PersonalDataPolicy, type PersonalFields } from '@mutuo/event-store';

/** What every read model and every replay shows where an erased member's name was. */
export const FORMER_MEMBER = 'Former member';
/** Where an erased free text or contact value was. */
export const ERASED_TEXT = '(erased)';

/**
 * The personal fields of membership's events, by event type, with their stand-ins. Everything identifying a person
 * is here: names, pronouns, location (with the precise point), contact values, contact snapshots, join answers, a
 * decline reason written about them. Ids, languages, skills, the coarse cell and boundaries stay readable: history
 * must add up after an erasure.
 */
const PERSONAL_FIELDS: Readonly<Record<string, PersonalFields>> = {
  MemberJoined: { displayName: standIn(FORMER_MEMBER) },
  JoinApplicationSubmitted: { displayName: standIn(FORMER_MEMBER), answers: standIn([]) },
  JoinApplicationDeclined: { reason: standIn(ERASED_TEXT) },
  ProfileUpdated: { displayName: standIn(FORMER_MEMBER), pronouns: standIn(null), location: standIn(null) },
  ContactChannelAdded: { value: standIn(ERASED_TEXT) },
  MemberContactsChanged: { channels: standIn([]) },
  // The person who asked for a pod becomes its first member (the pod's id is the application's).
  PodApplicationSubmitted: { applicantDisplayName: standIn(FORMER_MEMBER) },
};

/**
 * Membership's crypto-shredding: personal fields of member-stream events are sealed with the member's data key
 * (libs/event-store PersonalDataCodec), which erasure destroys. Published contacts are sealed for notifications
 * with the shared key, and that sealed text with the member's key again: once erased, a relay still behind
 * publishes an empty contact list instead.
 */
export function membershipPersonalDataCodec(codeDeliveryKey: Buffer, keks: KeyEncryptionKeys): PersonalDataCodec {
  const policy: PersonalDataPolicy = {
    fieldsOf: (event) => PERSONAL_FIELDS[event.type],
    publishedFieldsOf: (event) =>
      event.type === 'MemberContactsChanged'
        ? { sealed: (data) => sealMemberContacts(codeDeliveryKey, String(data['memberId']), { channels: [], preferredChannelId: null }) }
        : undefined,
    ownerOf: memberOf,
  };
  return new PersonalDataCodec(policy, keks);
}

/**
 * Personal data lives on member streams (`member:<pod>:<member>`), whose events name the member, and in a pod
 * application, whose applicant is the member they become in the pod applied for.
 */
function memberOf(event: PendingEvent): string | null {
  if (event.type === 'PodApplicationSubmitted') {
    const { applicationId, applicantPersonId } = event.data as { applicationId: string; applicantPersonId: string };
    return memberIdFor(applicationId, applicantPersonId);
  }
  if (!event.streamId.startsWith('member:')) return null;
  const memberId = (event.data as { memberId?: unknown } | null)?.memberId;
  return typeof memberId === 'string' ? memberId : null;
}
