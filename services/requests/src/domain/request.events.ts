import type { RequestCategory, Urgency } from '@mutuo/contracts';
import type { DomainEvent } from '@mutuo/domain';
import type { HelpFacts } from './help-facts';

/** What happened to a request, as recorded on its stream and published to the other services. */

export interface Contribution {
  readonly helperMemberId: string;
  readonly minutes: number;
}

type PostedData = HelpFacts & {
  requestId: string;
  podId: string;
  regionId: string | null;
  requesterMemberId: string;
  postedByMemberId: string;
  anonymous: boolean;
  incidentId: string | null;
  urgency: Urgency;
  postedAt: string;
  respondBy: string;
};
export type RequestPosted = DomainEvent<'RequestPosted', PostedData>;
/** Carries the requester so the text is sealed with their key (crypto-shredding), whoever edits it. */
export type RequestEdited = DomainEvent<
  'RequestEdited',
  HelpFacts & { requestId: string; requesterMemberId: string; urgency: Urgency; respondBy: string; editedByMemberId: string; editedAt: string }
>;
export type RequestMatched = DomainEvent<
  'RequestMatched',
  { requestId: string; matchId: string; helperMemberId: string; matchedAt: string; firstMatchedAt: string }
>;
export type RequestMatchWithdrawn = DomainEvent<'RequestMatchWithdrawn', { requestId: string; matchId: string; helperMemberId: string; withdrawnAt: string }>;
export type RequestReopened = DomainEvent<'RequestReopened', { requestId: string; matchId: string; reopenedAt: string }>;
export type RequestStarted = DomainEvent<'RequestStarted', { requestId: string; startedByMemberId: string; startedAt: string }>;
export type RequestFulfilled = DomainEvent<
  'RequestFulfilled',
  {
    requestId: string;
    fulfilmentId: string;
    /** Copied from the request so the published fact stands on its own (funds credits from it). */
    requesterMemberId: string;
    helperMemberIds: string[];
    category: RequestCategory;
    postedAt: string;
    firstMatchedAt: string | null;
    contributions: Contribution[];
    confirmedBy: 'requester' | 'coordinator';
    confirmedByMemberId: string;
    fulfilledAt: string;
  }
>;
export type RequestFulfilmentReversed = DomainEvent<
  'RequestFulfilmentReversed',
  { requestId: string; fulfilmentId: string; reversedByMemberId: string; reason: string; reversedAt: string }
>;
export type RequestCancelled = DomainEvent<
  'RequestCancelled',
  { requestId: string; cancelledByMemberId: string; by: 'requester' | 'coordinator'; cancelledAt: string }
>;
export type RequestExpired = DomainEvent<'RequestExpired', { requestId: string; expiredAt: string }>;
export type RequestAuthorErased = DomainEvent<'RequestAuthorErased', { requestId: string; memberId: string; erasedAt: string }>;
export type RequestEvent =
  | RequestPosted
  | RequestEdited
  | RequestMatched
  | RequestMatchWithdrawn
  | RequestReopened
  | RequestStarted
  | RequestFulfilled
  | RequestFulfilmentReversed
  | RequestCancelled
  | RequestExpired
  | RequestAuthorErased;

export const REQUEST_EVENT_TYPES: readonly RequestEvent['type'][] = [
  'RequestPosted',
  'RequestEdited',
  'RequestMatched',
  'RequestMatchWithdrawn',
  'RequestReopened',
  'RequestStarted',
  'RequestFulfilled',
  'RequestFulfilmentReversed',
  'RequestCancelled',
  'RequestExpired',
  'RequestAuthorErased',
];
