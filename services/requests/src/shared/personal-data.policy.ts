import { PersonalDataCodec, standIn, type KeyEncryptionKeys, type PendingEvent, type PersonalDataPolicy, type PersonalFields } from '@mutuo/event-store';
import { FORMER_MEMBER_TEXT } from '../domain/request.state';

/** Once erased, a location keeps its neighbourhood cell (not personal) and loses the precise point. */
const coarseLocationOnly = (data: Readonly<Record<string, unknown>>) => ({
  cell: (data['location'] as { cell?: unknown } | undefined)?.cell ?? null,
  precise: null,
});

const WRITTEN_TEXT: PersonalFields = { title: standIn(FORMER_MEMBER_TEXT), description: standIn(''), location: coarseLocationOnly };
const PUBLISHED_TITLE: PersonalFields = { title: standIn(FORMER_MEMBER_TEXT) };

/** The events whose words and precise point belong to the member in `ownerField`. */
const OWNERS: Readonly<Record<string, string>> = {
  RequestPosted: 'requesterMemberId',
  RequestEdited: 'requesterMemberId',
  OfferPosted: 'offererMemberId',
  OfferEdited: 'offererMemberId',
};

/**
 * Requests' crypto-shredding (libs/event-store PersonalDataCodec): what a member wrote about their need or offer and
 * their precise point are sealed with that member's data key, in the events and in the published title. Erasure
 * destroys the key, so every replay, rebuild and late relay shows "Former member" instead.
 */
export const requestsPersonalDataPolicy: PersonalDataPolicy = {
  fieldsOf: (event) => (OWNERS[event.type] ? WRITTEN_TEXT : undefined),
  publishedFieldsOf: (event) => (OWNERS[event.type] ? PUBLISHED_TITLE : undefined),
  ownerOf: (event: PendingEvent) => {
    const field = OWNERS[event.type];
    const owner = field ? (event.data as Record<string, unknown> | null)?.[field] : undefined;
    return typeof owner === 'string' ? owner : null;
  },
};

export const requestsPersonalDataCodec = (_env: NodeJS.ProcessEnv, keks: KeyEncryptionKeys) => new PersonalDataCodec(requestsPersonalDataPolicy, keks);
