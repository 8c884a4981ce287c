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
export type ConfirmHelper = Command<'ConfirmHelper', { readonly suggestionId: string; readonly requesterMemberId: string; readonly matchId: string }>;
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

export type RequestMatchingCommand =
  | SuggestHelpers
  | AcceptSuggestion
  | DeclineSuggestion
  | ConfirmHelper
  | AssignHelper
  | WithdrawMatch
  | GiveSuggestionFeedback
  | EscalateRequest
  | WithdrawEscalation
  | CloseRequest;
