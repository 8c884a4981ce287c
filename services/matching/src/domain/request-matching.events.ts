import type { DomainEvent } from '@mutuo/domain';
import type { ScoreParts, Urgency } from './helper-scoring';

/** The facts of a request that matching tracks, its suggestions and its match, as they are recorded on the request's stream. */

/** `offered`: the helper said "I can help" on the request; `asked`: the requester asked for the helper's offer. */
export type SuggestionSource = 'automatic' | 'assigned' | 'escalated' | 'offered' | 'asked';

/** Where a match came from: a suggestion (computed, escalated or assigned) or a direct response between members. */
export type MatchOrigin = 'suggested' | 'offered' | 'asked';

export interface RequestFacts {
  readonly requestId: string;
  readonly podId: string;
  readonly requesterMemberId: string;
  readonly category: string;
  readonly urgency: Urgency;
}

/** Which suggestion of which request an answer or an assignment is about. */
export type SuggestionRef = {
  suggestionId: string;
  requestId: string;
  podId: string;
  helperMemberId: string;
  helperPodId: string;
  offerId: string | null;
};

export type RequestTracked = DomainEvent<'RequestTracked', RequestFacts>;
export type RequestEvaluated = DomainEvent<
  'RequestEvaluated',
  { requestId: string; podId: string; evaluatedAt: string; candidateCount: number; status: 'candidates-found' | 'no-candidates' }
>;
export type SuggestionsMade = DomainEvent<
  'SuggestionsMade',
  {
    requestId: string;
    podId: string;
    /** What whoever tells the helpers needs, on the event itself (it may arrive before request-posted elsewhere). */
    category: string;
    urgency: Urgency;
    round: number;
    suggestions: {
      suggestionId: string;
      helperMemberId: string;
      helperPodId: string;
      offerId: string | null;
      score: number;
      parts: ScoreParts;
      source: SuggestionSource;
      expiresAt: string;
    }[];
    madeAt: string;
  }
>;
export type SuggestionAccepted = DomainEvent<'SuggestionAccepted', SuggestionRef & { acceptedAt: string }>;
export type SuggestionDeclined = DomainEvent<'SuggestionDeclined', SuggestionRef & { reason: string | null; declinedAt: string }>;
export type HelperAssigned = DomainEvent<'HelperAssigned', SuggestionRef & { assignedBy: string; reason: string | null; assignedAt: string }>;
/** A member said "I can help" on a request (their yes is given): the requester or a coordinator confirms it. */
export type HelpOffered = DomainEvent<
  'HelpOffered',
  SuggestionRef & {
    requesterMemberId: string;
    category: string;
    urgency: Urgency;
    /** The helper's own words, sealed with their key. */
    note: string | null;
    availableFrom: string | null;
    availableUntil: string | null;
    offeredAt: string;
  }
>;
/** The requester asked for an offer they saw ("could I have one?"): their yes is given, the offerer answers. */
export type OfferAskedFor = DomainEvent<
  'OfferAskedFor',
  SuggestionRef & {
    offerId: string;
    requesterMemberId: string;
    category: string;
    urgency: Urgency;
    /** The requester's own words, sealed with their key. */
    note: string | null;
    expiresAt: string;
    askedAt: string;
  }
>;
export type MatchMade = DomainEvent<
  'MatchMade',
  {
    matchId: string;
    requestId: string;
    podId: string;
    offerId: string | null;
    suggestionId: string;
    requesterMemberId: string;
    requesterPodId: string;
    helperMemberId: string;
    helperPodId: string;
    crossPod: boolean;
    via: 'confirmed' | 'assigned' | 'first-accepted';
    /** Absent on matches made before direct responses existed: read as `suggested`. */
    origin?: MatchOrigin;
    matchedAt: string;
  }
>;
export type MatchWithdrawn = DomainEvent<
  'MatchWithdrawn',
  {
    matchId: string;
    requestId: string;
    podId: string;
    offerId: string | null;
    requesterMemberId: string;
    helperMemberId: string;
    helperPodId: string;
    withdrawnBy: 'requester' | 'helper' | 'coordinator';
    reason: string | null;
    withdrawnAt: string;
  }
>;
export type RequestEscalated = DomainEvent<
  'RequestEscalated',
  {
    requestId: string;
    podId: string;
    /** Internal: whose words the shared title are (not published). */
    requesterMemberId: string;
    regionId: string;
    toPodIds: string[];
    deadline: string;
    shared: { category: string; urgency: Urgency; title: string | null; locationCell: string | null };
    escalatedAt: string;
  }
>;
/** Why escalated suggestions were withdrawn, for the helpers who see them go (the only reason so far). */
export type EscalationWithdrawalReason = 'pod-left-region';
export type EscalationWithdrawn = DomainEvent<
  'EscalationWithdrawn',
  {
    requestId: string;
    podId: string;
    /** The pod that left `regionId`: the request's own (its whole escalation ends) or one it was escalated to. */
    leftPodId: string;
    regionId: string;
    reason: EscalationWithdrawalReason;
    /** The open suggestions to helpers across the new boundary. */
    suggestionIds: string[];
    /** The request's own pod left: it is no longer escalated and may be escalated again in a region it joins. */
    escalationEnded: boolean;
    withdrawnAt: string;
  }
>;
export type SuggestionFeedbackGiven = DomainEvent<
  'SuggestionFeedbackGiven',
  {
    suggestionId: string;
    requestId: string;
    podId: string;
    helperMemberId: string;
    verdict: 'wrong' | 'good';
    reason: string | null;
    givenByMemberId: string;
    givenAt: string;
  }
>;
export type RequestClosed = DomainEvent<'RequestClosed', { requestId: string; podId: string; reason: 'cancelled' | 'fulfilled' | 'closed'; closedAt: string }>;

export type RequestMatchingEvent =
  | RequestTracked
  | RequestEvaluated
  | SuggestionsMade
  | SuggestionAccepted
  | SuggestionDeclined
  | HelperAssigned
  | HelpOffered
  | OfferAskedFor
  | MatchMade
  | MatchWithdrawn
  | RequestEscalated
  | EscalationWithdrawn
  | SuggestionFeedbackGiven
  | RequestClosed;

// Builders for the events more than one decision makes.

/** The helper of a suggestion, as the events about it name them. */
export type SuggestedHelper = Pick<SuggestionRef, 'suggestionId' | 'helperMemberId' | 'helperPodId' | 'offerId'>;
/** A suggestion that becomes a match: where it came from decides the match's origin. */
export type MatchedSuggestion = SuggestedHelper & { readonly source: SuggestionSource };
/** The helper of a match, as its withdrawal names them. */
export type MatchedHelper = { readonly matchId: string; readonly helperMemberId: string; readonly helperPodId: string; readonly offerId: string | null };

export function suggestionRefOf(request: RequestFacts, suggestion: SuggestedHelper): SuggestionRef {
  return {
    suggestionId: suggestion.suggestionId,
    requestId: request.requestId,
    podId: request.podId,
    helperMemberId: suggestion.helperMemberId,
    helperPodId: suggestion.helperPodId,
    offerId: suggestion.offerId,
  };
}

export function matchMade(
  request: RequestFacts,
  suggestion: MatchedSuggestion,
  matchId: string,
  via: MatchMade['data']['via'],
  now: string,
  metadata: MatchMade['metadata'],
): MatchMade {
  return {
    type: 'MatchMade',
    data: {
      matchId,
      requestId: request.requestId,
      podId: request.podId,
      offerId: suggestion.offerId,
      suggestionId: suggestion.suggestionId,
      requesterMemberId: request.requesterMemberId,
      requesterPodId: request.podId,
      helperMemberId: suggestion.helperMemberId,
      helperPodId: suggestion.helperPodId,
      crossPod: suggestion.helperPodId !== request.podId,
      via,
      origin: suggestion.source === 'offered' || suggestion.source === 'asked' ? suggestion.source : 'suggested',
      matchedAt: now,
    },
    metadata,
  };
}

export function matchWithdrawn(
  request: RequestFacts,
  match: MatchedHelper,
  withdrawnBy: MatchWithdrawn['data']['withdrawnBy'],
  reason: string | null,
  now: string,
  metadata: MatchWithdrawn['metadata'],
): MatchWithdrawn {
  return {
    type: 'MatchWithdrawn',
    data: {
      matchId: match.matchId,
      requestId: request.requestId,
      podId: request.podId,
      offerId: match.offerId,
      requesterMemberId: request.requesterMemberId,
      helperMemberId: match.helperMemberId,
      helperPodId: match.helperPodId,
      withdrawnBy,
      reason,
      withdrawnAt: now,
    },
    metadata,
  };
}
