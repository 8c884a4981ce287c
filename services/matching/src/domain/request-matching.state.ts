import { assertNever } from '@mutuo/domain';
import type { ScoreParts, Urgency } from './helper-scoring';
import type { RequestFacts, RequestMatchingEvent, SuggestionSource } from './request-matching.events';

/** What matching knows of one request, rebuilt from its stream: the current round of suggestions, the answers and the match. */

export type SuggestionStatus = 'open' | 'accepted' | 'declined' | 'withdrawn';

/** A scored helper the command handler found; the decider gives it its place in a round. */
export interface NewSuggestion {
  readonly suggestionId: string;
  readonly helperMemberId: string;
  readonly helperPodId: string;
  readonly offerId: string | null;
  readonly score: number;
  readonly parts: ScoreParts;
}

/** A suggestion as the request's stream keeps it: a scored helper with its place in a round and where it stands. */
export interface Suggestion extends NewSuggestion {
  readonly source: SuggestionSource;
  readonly expiresAt: string;
  readonly round: number;
  readonly status: SuggestionStatus;
  /** A dispatcher or coordinator said yes for the requester: the helper's yes makes the match. */
  readonly assigned: boolean;
  /** The helper said yes or no to this request once: a new round does not ask them again. */
  readonly answered: boolean;
}

/** How long a helper has to answer a suggestion (or an offerer a "could I have one?"), by urgency. */
export const SUGGESTION_TTL_MINUTES: Record<Urgency, number> = { emergency: 30, urgent: 12 * 60, normal: 3 * 24 * 60 };

const NO_SCORE: ScoreParts = { category: 0, time: 0, distance: 0, language: 0, skills: 0, fairness: 0 };

/**
 * A direct response between members ("I can help", "could I have one?") is not replaced by a computed round: it stays
 * until answered, matched or closed.
 */
export const isDirectResponse = (suggestion: Pick<Suggestion, 'source'>) => suggestion.source === 'offered' || suggestion.source === 'asked';

/** Suggestions a new round withdraws: open, neither assigned by hand nor a direct response. */
export const replacedByNewRound = (suggestion: Suggestion) => suggestion.status === 'open' && !suggestion.assigned && !isDirectResponse(suggestion);

export interface Match {
  readonly matchId: string;
  readonly suggestionId: string;
  readonly helperMemberId: string;
  readonly helperPodId: string;
  readonly offerId: string | null;
  readonly matchedAt: string;
}

export interface Tracked {
  readonly request: RequestFacts;
  readonly round: number;
  readonly suggestions: Readonly<Record<string, Suggestion>>;
  readonly escalatedAt: string | null;
}

export type RequestMatchingState =
  | { readonly status: 'untracked' }
  | (Tracked & { readonly status: 'open' })
  | (Tracked & { readonly status: 'matched'; readonly match: Match })
  | (Tracked & { readonly status: 'closed' });

export const initialRequestMatchingState = (): RequestMatchingState => ({ status: 'untracked' });

export function evolveRequestMatching(state: RequestMatchingState, event: RequestMatchingEvent): RequestMatchingState {
  switch (event.type) {
    case 'RequestTracked':
      return { status: 'open', request: { ...event.data }, round: 0, suggestions: {}, escalatedAt: null };
    case 'RequestEvaluated':
    case 'SuggestionFeedbackGiven':
      return state;
    case 'SuggestionsMade': {
      if (state.status === 'untracked') return state;
      const suggestions: Record<string, Suggestion> = {};
      // A new round replaces the open suggestions of earlier rounds; answers already given stay.
      for (const [id, suggestion] of Object.entries(state.suggestions)) {
        suggestions[id] = replacedByNewRound(suggestion) ? { ...suggestion, status: 'withdrawn' } : suggestion;
      }
      for (const made of event.data.suggestions) {
        suggestions[made.suggestionId] = { ...made, round: event.data.round, status: 'open', assigned: false, answered: false };
      }
      return { ...state, round: event.data.round, suggestions };
    }
    case 'SuggestionAccepted':
      return withSuggestion(state, event.data.suggestionId, { status: 'accepted', answered: true });
    case 'SuggestionDeclined':
      return withSuggestion(state, event.data.suggestionId, { status: 'declined', answered: true });
    case 'HelperAssigned': {
      if (state.status === 'untracked') return state;
      const existing = state.suggestions[event.data.suggestionId];
      const suggestion: Suggestion = existing
        ? { ...existing, assigned: true, status: existing.status === 'accepted' ? 'accepted' : 'open' }
        : {
            suggestionId: event.data.suggestionId,
            helperMemberId: event.data.helperMemberId,
            helperPodId: event.data.helperPodId,
            offerId: event.data.offerId,
            score: 0,
            parts: NO_SCORE,
            source: 'assigned',
            expiresAt: event.data.assignedAt,
            round: state.round,
            status: 'open',
            assigned: true,
            answered: false,
          };
      return { ...state, suggestions: { ...state.suggestions, [suggestion.suggestionId]: suggestion } };
    }
    case 'HelpOffered': {
      if (state.status === 'untracked') return state;
      const { suggestionId, helperMemberId, helperPodId, offerId, offeredAt, availableUntil } = event.data;
      const offered: Suggestion = {
        suggestionId,
        helperMemberId,
        helperPodId,
        offerId,
        score: 0,
        parts: NO_SCORE,
        source: 'offered',
        round: state.round,
        // The helper's yes does not lapse while the request is open; their own window, if given, is informative.
        expiresAt: availableUntil ?? offeredAt,
        status: 'accepted',
        assigned: false,
        answered: true,
      };
      return { ...state, suggestions: { ...state.suggestions, [suggestionId]: offered } };
    }
    case 'OfferAskedFor': {
      if (state.status === 'untracked') return state;
      const { suggestionId, helperMemberId, helperPodId, offerId, expiresAt } = event.data;
      const asked: Suggestion = {
        suggestionId,
        helperMemberId,
        helperPodId,
        offerId,
        score: 0,
        parts: NO_SCORE,
        source: 'asked',
        round: state.round,
        expiresAt,
        status: 'open',
        assigned: false,
        answered: false,
      };
      return { ...state, suggestions: { ...state.suggestions, [suggestionId]: asked } };
    }
    case 'MatchMade': {
      if (state.status === 'untracked') return state;
      const { matchId, suggestionId, helperMemberId, helperPodId, offerId, matchedAt } = event.data;
      const { status: _status, ...tracked } = state;
      return { ...tracked, status: 'matched', match: { matchId, suggestionId, helperMemberId, helperPodId, offerId, matchedAt } };
    }
    case 'MatchWithdrawn': {
      if (state.status !== 'matched') return state;
      const { match: _match, status: _status, ...tracked } = state;
      const withdrawn = withSuggestionIn(tracked.suggestions, state.match.suggestionId, { status: 'withdrawn', assigned: false });
      return { ...tracked, status: 'open', suggestions: withdrawn };
    }
    case 'RequestEscalated':
      return state.status === 'untracked' ? state : { ...state, escalatedAt: event.data.escalatedAt };
    case 'EscalationWithdrawn': {
      if (state.status === 'untracked') return state;
      let suggestions: Record<string, Suggestion> = { ...state.suggestions };
      for (const id of event.data.suggestionIds) suggestions = withSuggestionIn(suggestions, id, { status: 'withdrawn', assigned: false });
      return { ...state, suggestions, escalatedAt: event.data.escalationEnded ? null : state.escalatedAt };
    }
    case 'RequestClosed': {
      if (state.status === 'untracked') return state;
      const { status: _status, ...rest } = state;
      const { match: _match, ...tracked } = rest as typeof rest & { match?: Match };
      return { ...tracked, status: 'closed' };
    }
    default:
      return assertNever(event, 'request matching event');
  }
}

function withSuggestion(state: RequestMatchingState, suggestionId: string, change: Partial<Suggestion>): RequestMatchingState {
  if (state.status === 'untracked') return state;
  return { ...state, suggestions: withSuggestionIn(state.suggestions, suggestionId, change) };
}

export function withSuggestionIn(
  suggestions: Readonly<Record<string, Suggestion>>,
  suggestionId: string,
  change: Partial<Suggestion>,
): Record<string, Suggestion> {
  const current = suggestions[suggestionId];
  return current ? { ...suggestions, [suggestionId]: { ...current, ...change } } : { ...suggestions };
}
