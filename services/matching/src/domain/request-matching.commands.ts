import type { Command } from '@mutuo/domain';
import type { ExclusionReason, Urgency } from './helper-scoring';
import type { RequestFacts } from './request-matching.events';
import type { NewSuggestion } from './request-matching.state';

/** What people and the matching automation ask of a request's matching; the decider says yes (with events) or no. */

export type SuggestHelpers = Command<
  'SuggestHelpers',
  {
    readonly request: RequestFacts;
    readonly suggestions: readonly NewSuggestion[];
    /** `request-posted` is idempotent (a redelivery changes nothing); the others always make a new round. */
    readonly trigger: 'request-posted' | 'request-changed' | 'offer-posted' | 'match-withdrawn' | 'escalated';
  }
>;
export type AcceptSuggestion = Command<'AcceptSuggestion', { readonly suggestionId: string; readonly helperMemberId: string; readonly matchId: string }>;
export type DeclineSuggestion = Command<
  'DeclineSuggestion',
  { readonly suggestionId: string; readonly helperMemberId: string; readonly reason: string | null }
>;
export type ConfirmHelper = Command<
  'ConfirmHelper',
  {
    readonly suggestionId: string;
    readonly actorMemberId: string;
    /** A coordinator of the request's pod may confirm for the requester. */
    readonly byCoordinator: boolean;
    readonly matchId: string;
  }
>;
export type AssignHelper = Command<
  'AssignHelper',
  {
    readonly helperMemberId: string;
    readonly helperPodId: string;
    /** Used when the helper had no suggestion yet. */
    readonly suggestionId: string;
    readonly matchId: string;
    /** Replace an existing match. */
    readonly override: boolean;
    /** What the read models say about this helper: a block or a pause cannot be overridden by hand. */
    readonly helperExclusion: ExclusionReason | null;
    readonly reason: string | null;
  }
>;
export type WithdrawMatch = Command<'WithdrawMatch', { readonly actorMemberId: string; readonly actorIsCoordinator: boolean; readonly reason: string | null }>;
export type GiveSuggestionFeedback = Command<
  'GiveSuggestionFeedback',
  { readonly suggestionId: string; readonly verdict: 'wrong' | 'good'; readonly reason: string | null; readonly givenByMemberId: string }
>;
export type EscalateRequest = Command<
  'EscalateRequest',
  {
    readonly regionId: string;
    readonly toPodIds: readonly string[];
    readonly deadline: string;
    readonly shared: { readonly category: string; readonly urgency: Urgency; readonly title: string | null; readonly locationCell: string | null };
  }
>;
/**
 * A pod left the region the request's escalation crossed (`leftPodId` may be the request's own pod): the escalation no
 * longer crosses the new boundary.
 */
export type WithdrawEscalation = Command<'WithdrawEscalation', { readonly leftPodId: string; readonly regionId: string }>;
export type CloseRequest = Command<'CloseRequest', { readonly requestId: string; readonly reason: 'cancelled' | 'fulfilled' | 'closed' }>;

/** What the read models say about the member who would help, for the rules of direct responses. */
export interface DirectHelperFacts {
  readonly paused: boolean;
  /** In a block with the requester, whoever blocked whom. */
  readonly blockedWithRequester: boolean;
  /** Matches not yet done, and how many at once their weekly capacity allows. */
  readonly activeMatches: number;
  readonly capacityMatches: number;
}

/** How far the request may be seen from the helper's pod. */
export interface RequestReach {
  readonly visibility: 'pod' | 'region' | 'public';
  /** The helper's pod and the request's pod are in one region. */
  readonly sameRegion: boolean;
  /** Matching offered the request to the helper's pod (escalation). */
  readonly escalatedToHelperPod: boolean;
}

/** "I can help": a member responds to a request they can see, with a note and when. */
export type OfferHelp = Command<
  'OfferHelp',
  {
    readonly suggestionId: string;
    readonly helperMemberId: string;
    readonly helperPodId: string;
    readonly note: string | null;
    readonly availableFrom: string | null;
    readonly availableUntil: string | null;
    /** For an emergency the helper's yes makes the match at once. */
    readonly matchId: string;
    readonly helper: DirectHelperFacts;
    readonly reach: RequestReach;
  }
>;

/** "Could I have one?": the requester asks for an offer they can see, for their open request. */
export type AskForOffer = Command<
  'AskForOffer',
  {
    readonly suggestionId: string;
    readonly requesterMemberId: string;
    readonly offer: { readonly offerId: string; readonly offererMemberId: string; readonly offererPodId: string };
    readonly note: string | null;
    readonly offerer: DirectHelperFacts;
    readonly reach: RequestReach;
  }
>;

export type RequestMatchingCommand =
  | SuggestHelpers
  | AcceptSuggestion
  | DeclineSuggestion
  | ConfirmHelper
  | AssignHelper
  | OfferHelp
  | AskForOffer
  | WithdrawMatch
  | GiveSuggestionFeedback
  | EscalateRequest
  | WithdrawEscalation
  | CloseRequest;
