import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { languageTagField, timestampField, uuidField } from './field-schemas';
import { openPayload, sealPayload, sealedPayloadField } from './sealed-payload';
import { REQUEST_CATEGORIES } from './vocabulary';

/** A geohash cell at neighbourhood size (precision 5–7): the coarse location others may know. */
const coarseCellField = () => z.string().regex(/^[0-9bcdefghjkmnpqrstuvwxyz]{5,7}$/, { message: 'Expected a geohash cell of 5–7 characters' });

/**
 * The parts of a member's profile other services match and write on: no name, no contact, no precise point.
 * Sent whole each time (the latest one wins by `changedAt`).
 */
export const MemberProfileChangedV1 = defineContract({
  service: 'membership',
  name: 'member-profile-changed',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    /** Canonical BCP 47 tags, most used first. */
    languages: z.array(languageTagField()).max(20),
    /** What the member can offer, from the shared category list. */
    skills: z.array(z.enum(REQUEST_CATEGORIES)).max(REQUEST_CATEGORIES.length),
    locationCell: coarseCellField().nullable(),
    changedAt: timestampField(),
  }),
});
export type MemberProfileChangedV1Data = ContractData<typeof MemberProfileChangedV1>;

/**
 * Where notifications may reach a member. The channels travel sealed with the key membership shares with
 * notifications (MEMBERSHIP_CODE_DELIVERY_KEY): contact details are private (the member, coordinators, a matched
 * counterpart) and nobody reading the NATS stream may learn them. Sent whole each time; open with
 * `openMemberContacts`.
 */
export const MemberContactsChangedV1 = defineContract({
  service: 'membership',
  name: 'member-contacts-changed',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    /** The language to write to the member in. */
    preferredLanguage: languageTagField(),
    changedAt: timestampField(),
    sealed: sealedPayloadField(16384),
  }),
});
export type MemberContactsChangedV1Data = ContractData<typeof MemberContactsChangedV1>;

export const memberContactsSchema = z.object({
  channels: z
    .array(
      z.object({
        channelId: uuidField(),
        kind: z.enum(['email', 'phone', 'messaging']),
        value: z.string().min(1).max(320),
        verified: z.boolean(),
      }),
    )
    .max(20),
  /** The channel the member prefers; null when they chose none. */
  preferredChannelId: uuidField().nullable(),
});
export type MemberContacts = z.infer<typeof memberContactsSchema>;

function contactsBinding(memberId: string): string {
  return `${MemberContactsChangedV1.type}:${memberId}`;
}

export function sealMemberContacts(key: Buffer, memberId: string, contacts: MemberContacts): string {
  return sealPayload(key, memberContactsSchema.parse(contacts), contactsBinding(memberId));
}

export function openMemberContacts(key: Buffer, data: Pick<MemberContactsChangedV1Data, 'memberId' | 'sealed'>): MemberContacts {
  return openPayload(key, data.sealed, contactsBinding(data.memberId), memberContactsSchema);
}

/**
 * A member's personal data was erased (crypto-shredded in membership). Every service drops or blanks what it keeps
 * about this member (names, contacts, locations, free text they wrote) and shows them as "former member"; facts
 * without personal data (counts, ledger amounts) stay so history adds up.
 */
export const MemberErasedV1 = defineContract({
  service: 'membership',
  name: 'member-erased',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    erasedAt: timestampField(),
  }),
});
export type MemberErasedV1Data = ContractData<typeof MemberErasedV1>;

export const MEMBERSHIP_PEOPLE_CONTRACTS = [MemberProfileChangedV1, MemberContactsChangedV1, MemberErasedV1] as const;
