import { PersonalDataCodec, standIn, type KeyEncryptionKeys, type PendingEvent, type PersonalDataPolicy, type PersonalFields } from '@mutuo/event-store';
import type { RequestMatchingEvent } from '../domain/request-matching.events';

type Data = Readonly<Record<string, unknown>>;

/** Once the requester is erased, an escalation still tells its category, urgency and cell, but not their words. */
const SHARED_WITHOUT_TITLE: PersonalFields = { shared: (data: Data) => ({ ...(data['shared'] as object), title: null }) };
const REASON: PersonalFields = { reason: standIn(null) };
const NOTE: PersonalFields = { note: standIn(null) };

/** Which events carry words a member wrote, and whose: the key of that member seals them. */
function personal(event: PendingEvent): { owner: string | null; fields: PersonalFields } | undefined {
  const known = event as unknown as RequestMatchingEvent;
  switch (known.type) {
    case 'RequestEscalated':
      return { owner: known.data.requesterMemberId, fields: SHARED_WITHOUT_TITLE };
    case 'SuggestionDeclined':
      return { owner: known.data.helperMemberId, fields: REASON };
    case 'HelpOffered':
      return { owner: known.data.helperMemberId, fields: NOTE };
    case 'OfferAskedFor':
      return { owner: known.data.requesterMemberId, fields: NOTE };
    case 'SuggestionFeedbackGiven':
      return { owner: known.data.givenByMemberId, fields: REASON };
    case 'MatchWithdrawn': {
      // A coordinator's reason is written in their role, not about themself: it stays readable.
      const owner =
        known.data.withdrawnBy === 'requester' ? known.data.requesterMemberId : known.data.withdrawnBy === 'helper' ? known.data.helperMemberId : null;
      return { owner, fields: REASON };
    }
    default:
      return undefined;
  }
}

/**
 * Matching's crypto-shredding (libs/event-store PersonalDataCodec): request titles shared with neighbouring pods and
 * the reasons and notes members give are sealed with their author's key, in the events and in what is published. Erasure
 * destroys the key, so replays and rebuilds show no title and no reason.
 */
export const matchingPersonalDataPolicy: PersonalDataPolicy = {
  fieldsOf: (event) => personal(event)?.fields,
  publishedFieldsOf: (event) => personal(event)?.fields,
  ownerOf: (event) => personal(event)?.owner ?? null,
};

export const matchingPersonalDataCodec = (_env: NodeJS.ProcessEnv, keks: KeyEncryptionKeys) => new PersonalDataCodec(matchingPersonalDataPolicy, keks);
