import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { ExclusionReason, ScoreParts, Urgency } from './helper-scoring';

/**
 * One request as matching sees it: the suggestions made for it, who said yes or no, the match, and its escalation to
 * neighbouring pods. Automation suggests; people decide: a match needs the helper's yes and the requester's (or, for
 * an emergency or a dispatcher's assignment, the yes given in advance). One stream per request, so two helpers racing
 * for it are ordered by optimistic concurrency: exactly one wins, the other is told the request is taken.
 */

export type SuggestionSource = 'automatic' | 'assigned' | 'escalated';
export type SuggestionStatus = 'open' | 'accepted' | 'declined' | 'withdrawn';

export interface RequestFacts {
  readonly requestId: string;
  readonly podId: string;
  readonly requesterMemberId: string;
  readonly category: string;
  readonly urgency: Urgency;
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

export interface Match {
  readonly matchId: string;
  readonly suggestionId: string;
  readonly helperMemberId: string;
  readonly helperPodId: string;
  readonly offerId: string | null;
  readonly matchedAt: string;
}

interface Tracked {
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

/** A scored helper the command handler found; the decider gives it its place in a round. */
export interface NewSuggestion {
  readonly suggestionId: string;
  readonly helperMemberId: string;
  readonly helperPodId: string;
  readonly offerId: string | null;
  readonly score: number;
  readonly parts: ScoreParts;
}

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
export type DeclineSuggestion = Command<'DeclineSuggestion', { readonly suggestionId: string; readonly helperMemberId: string; readonly reason: string | null }>;
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
export type WithdrawMatch = Command<
  'WithdrawMatch',
  { readonly actorMemberId: string; readonly actorIsCoordinator: boolean; readonly reason: string | null }
>;
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
  | CloseRequest;

type SuggestionRef = {
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
  | MatchMade
  | MatchWithdrawn
  | RequestEscalated
  | SuggestionFeedbackGiven
  | RequestClosed;

/** How long a helper has to answer a suggestion, by urgency. */
export const SUGGESTION_TTL_MINUTES: Record<Urgency, number> = { emergency: 30, urgent: 12 * 60, normal: 3 * 24 * 60 };

const violation = (code: string, message: string, field?: string) => new DomainRuleViolation(code, message, field);

export const requestMatchingDecider: Decider<RequestMatchingState, RequestMatchingCommand, RequestMatchingEvent> = {
  initialState: () => ({ status: 'untracked' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'SuggestHelpers':
        return suggestHelpers(command, state);
      case 'AcceptSuggestion': {
        const tracked = requireOpenRequest(state, 'suggestionId');
        const suggestion = requireAnswerable(tracked, command.data.suggestionId, command.data.helperMemberId, now);
        if (suggestion.status === 'accepted') return [];
        const accepted: SuggestionAccepted = { type: 'SuggestionAccepted', data: { ...ref(tracked.request, suggestion), acceptedAt: now }, metadata };
        // The requester's yes was given in advance: by an emergency (the first helper who comes is welcome) or by a dispatcher's assignment.
        const via = suggestion.assigned ? 'assigned' : tracked.request.urgency === 'emergency' ? 'first-accepted' : null;
        return via ? [accepted, matchMade(tracked.request, suggestion, command.data.matchId, via, now, metadata)] : [accepted];
      }
      case 'DeclineSuggestion': {
        if (state.status === 'untracked') throw violation('SUGGESTION_NOT_FOUND', 'There is no such suggestion', 'suggestionId');
        const suggestion = findSuggestion(state, command.data.suggestionId);
        if (suggestion.helperMemberId !== command.data.helperMemberId) {
          throw violation('NOT_YOUR_SUGGESTION', 'Only the suggested helper can answer this suggestion', 'suggestionId');
        }
        if (suggestion.status === 'declined') return [];
        if (state.status === 'matched' && state.match.suggestionId === suggestion.suggestionId) {
          throw violation('MATCH_MADE', 'You are matched for this request: withdraw from the match instead', 'suggestionId');
        }
        return [{ type: 'SuggestionDeclined', data: { ...ref(state.request, suggestion), reason: command.data.reason, declinedAt: now }, metadata }];
      }
      case 'ConfirmHelper': {
        const tracked = requireOpenRequest(state, 'suggestionId');
        if (tracked.request.requesterMemberId !== command.data.requesterMemberId) {
          throw violation('NOT_YOUR_REQUEST', 'Only the requester can confirm a helper', 'suggestionId');
        }
        const suggestion = findSuggestion(tracked, command.data.suggestionId);
        if (suggestion.status !== 'accepted') {
          throw violation('HELPER_NOT_ACCEPTED', 'This helper has not accepted (yet): only a helper who said yes can be confirmed', 'suggestionId');
        }
        return [matchMade(tracked.request, suggestion, command.data.matchId, 'confirmed', now, metadata)];
      }
      case 'AssignHelper':
        return assignHelper(command, state);
      case 'WithdrawMatch': {
        if (state.status !== 'matched') throw violation('NO_MATCH', 'This request has no match to withdraw from', 'requestId');
        const { actorMemberId, actorIsCoordinator, reason } = command.data;
        const withdrawnBy =
          actorMemberId === state.request.requesterMemberId ? 'requester' : actorMemberId === state.match.helperMemberId ? 'helper' : actorIsCoordinator ? 'coordinator' : null;
        if (!withdrawnBy) throw violation('NOT_IN_MATCH', 'Only the requester, the helper or a coordinator can withdraw a match', 'requestId');
        return [matchWithdrawn(state.request, state.match, withdrawnBy, reason, now, metadata)];
      }
      case 'GiveSuggestionFeedback': {
        if (state.status === 'untracked') throw violation('SUGGESTION_NOT_FOUND', 'There is no such suggestion', 'suggestionId');
        const suggestion = findSuggestion(state, command.data.suggestionId);
        return [
          {
            type: 'SuggestionFeedbackGiven',
            data: {
              suggestionId: suggestion.suggestionId,
              requestId: state.request.requestId,
              podId: state.request.podId,
              helperMemberId: suggestion.helperMemberId,
              verdict: command.data.verdict,
              reason: command.data.reason,
              givenByMemberId: command.data.givenByMemberId,
              givenAt: now,
            },
            metadata,
          },
        ];
      }
      case 'EscalateRequest': {
        // Only an open request that was not escalated yet: a repeated scan changes nothing.
        if (state.status !== 'open' || state.escalatedAt !== null) return [];
        if (command.data.toPodIds.includes(state.request.podId)) {
          throw violation('ESCALATION_TO_OWN_POD', 'A request is escalated to other pods only', 'toPodIds');
        }
        if (command.data.toPodIds.length === 0) return [];
        return [
          {
            type: 'RequestEscalated',
            data: {
              requestId: state.request.requestId,
              podId: state.request.podId,
              requesterMemberId: state.request.requesterMemberId,
              regionId: command.data.regionId,
              toPodIds: [...command.data.toPodIds],
              deadline: command.data.deadline,
              shared: { ...command.data.shared },
              escalatedAt: now,
            },
            metadata,
          },
        ];
      }
      case 'CloseRequest': {
        if (state.status === 'untracked' || state.status === 'closed') return [];
        return [{ type: 'RequestClosed', data: { requestId: state.request.requestId, podId: state.request.podId, reason: command.data.reason, closedAt: now }, metadata }];
      }
      default:
        return assertNever(command, 'request matching command');
    }
  },

  evolve(state, event) {
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
          suggestions[id] = suggestion.status === 'open' && !suggestion.assigned ? { ...suggestion, status: 'withdrawn' } : suggestion;
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
              parts: { category: 0, time: 0, distance: 0, language: 0, skills: 0, fairness: 0 },
              source: 'assigned',
              expiresAt: event.data.assignedAt,
              round: state.round,
              status: 'open',
              assigned: true,
              answered: false,
            };
        return { ...state, suggestions: { ...state.suggestions, [suggestion.suggestionId]: suggestion } };
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
      case 'RequestClosed': {
        if (state.status === 'untracked') return state;
        const { status: _status, ...rest } = state;
        const { match: _match, ...tracked } = rest as typeof rest & { match?: Match };
        return { ...tracked, status: 'closed' };
      }
      default:
        return assertNever(event, 'request matching event');
    }
  },
};

function suggestHelpers(command: SuggestHelpers, state: RequestMatchingState): RequestMatchingEvent[] {
  const metadata = eventMetadataFrom(command.metadata);
  const now = command.metadata.now;
  const { request, suggestions, trigger } = command.data;
  if (suggestions.some((suggestion) => suggestion.helperMemberId === request.requesterMemberId)) {
    throw violation('REQUESTER_AS_CANDIDATE', 'A requester is never suggested for their own request', 'suggestions');
  }
  if (state.status === 'matched' || state.status === 'closed') return [];
  if (state.status === 'open' && trigger === 'request-posted') return [];
  const events: RequestMatchingEvent[] = [];
  if (state.status === 'untracked') {
    events.push({ type: 'RequestTracked', data: { ...request }, metadata });
    events.push({
      type: 'RequestEvaluated',
      data: {
        requestId: request.requestId,
        podId: request.podId,
        evaluatedAt: now,
        candidateCount: suggestions.length,
        status: suggestions.length > 0 ? 'candidates-found' : 'no-candidates',
      },
      metadata,
    });
  }
  const facts = state.status === 'untracked' ? request : state.request;
  // Helpers who already answered this request are not asked again in a new round.
  const answered = new Set(
    state.status === 'untracked' ? [] : Object.values(state.suggestions).filter((s) => s.answered).map((s) => s.helperMemberId),
  );
  const expiresAt = new Date(Date.parse(now) + SUGGESTION_TTL_MINUTES[facts.urgency] * 60_000).toISOString();
  const fresh = suggestions.filter((suggestion) => !answered.has(suggestion.helperMemberId));
  const stillOpen = new Map(
    state.status === 'untracked'
      ? []
      : Object.values(state.suggestions)
          .filter((s) => s.status === 'open' && !s.assigned)
          .map((s) => [`${s.helperMemberId}:${s.offerId ?? ''}`, s.suggestionId] as const),
  );
  if (state.status === 'open' && fresh.length === 0 && Object.values(state.suggestions).every((s) => s.status !== 'open')) return events;
  events.push({
    type: 'SuggestionsMade',
    data: {
      requestId: facts.requestId,
      podId: facts.podId,
      category: facts.category,
      urgency: facts.urgency,
      round: (state.status === 'untracked' ? 0 : state.round) + 1,
      suggestions: fresh.map((suggestion) => ({
        ...suggestion,
        // The same helper with the same offer keeps their suggestion (and its id) from round to round.
        suggestionId: stillOpen.get(`${suggestion.helperMemberId}:${suggestion.offerId ?? ''}`) ?? suggestion.suggestionId,
        parts: { ...suggestion.parts },
        source: suggestion.helperPodId === facts.podId ? 'automatic' : 'escalated',
        expiresAt,
      })),
      madeAt: now,
    },
    metadata,
  });
  return events;
}

function assignHelper(command: AssignHelper, state: RequestMatchingState): RequestMatchingEvent[] {
  const metadata = eventMetadataFrom(command.metadata);
  const now = command.metadata.now;
  if (state.status === 'untracked') throw violation('REQUEST_NOT_FOUND', 'Matching has not heard of this request (yet)', 'requestId');
  if (state.status === 'closed') throw violation('REQUEST_CLOSED', 'This request is closed', 'requestId');
  const { helperMemberId, helperPodId, override, helperExclusion } = command.data;
  if (helperMemberId === state.request.requesterMemberId || helperExclusion === 'requester-themself') {
    throw violation('REQUESTER_AS_CANDIDATE', 'A requester cannot be assigned to their own request', 'helperMemberId');
  }
  if (helperExclusion === 'paused' || helperExclusion === 'blocked') {
    throw violation('HELPER_EXCLUDED', `This helper cannot be asked: ${helperExclusion}`, 'helperMemberId');
  }
  const events: RequestMatchingEvent[] = [];
  let tracked: Tracked = state;
  if (state.status === 'matched') {
    if (state.match.helperMemberId === helperMemberId) return [];
    if (!override) throw violation('REQUEST_ALREADY_MATCHED', 'This request is already matched: override to replace the match', 'override');
    events.push(matchWithdrawn(state.request, state.match, 'coordinator', command.data.reason, now, metadata));
    const { match: _match, status: _status, ...rest } = state;
    tracked = { ...rest, suggestions: withSuggestionIn(rest.suggestions, state.match.suggestionId, { status: 'withdrawn', assigned: false }) };
  }
  const existing = Object.values(tracked.suggestions).find((s) => s.helperMemberId === helperMemberId && (s.status === 'open' || s.status === 'accepted'));
  const suggestionId = existing?.suggestionId ?? command.data.suggestionId;
  const offerId = existing?.offerId ?? null;
  const suggestionRef = { suggestionId, requestId: tracked.request.requestId, podId: tracked.request.podId, helperMemberId, helperPodId, offerId };
  events.push({ type: 'HelperAssigned', data: { ...suggestionRef, assignedBy: command.metadata.actorId, reason: command.data.reason, assignedAt: now }, metadata });
  if (existing?.status === 'accepted') {
    events.push(matchMade(tracked.request, { ...existing, assigned: true }, command.data.matchId, 'assigned', now, metadata));
  }
  return events;
}

function requireOpenRequest(state: RequestMatchingState, field: string): Tracked {
  switch (state.status) {
    case 'untracked':
      throw violation('SUGGESTION_NOT_FOUND', 'There is no such suggestion', field);
    case 'matched':
      throw violation('REQUEST_ALREADY_MATCHED', 'Someone else was matched for this request first', field);
    case 'closed':
      throw violation('REQUEST_CLOSED', 'This request is closed', field);
    case 'open':
      return state;
    default:
      return assertNever(state, 'request matching state');
  }
}

function findSuggestion(tracked: Tracked, suggestionId: string): Suggestion {
  const suggestion = tracked.suggestions[suggestionId];
  if (!suggestion) throw violation('SUGGESTION_NOT_FOUND', 'There is no such suggestion', 'suggestionId');
  return suggestion;
}

function requireAnswerable(tracked: Tracked, suggestionId: string, helperMemberId: string, now: string): Suggestion {
  const suggestion = findSuggestion(tracked, suggestionId);
  if (suggestion.helperMemberId !== helperMemberId) {
    throw violation('NOT_YOUR_SUGGESTION', 'Only the suggested helper can accept this suggestion', 'suggestionId');
  }
  if (suggestion.status === 'withdrawn') throw violation('SUGGESTION_WITHDRAWN', 'This suggestion was withdrawn: look at your current suggestions', 'suggestionId');
  if (suggestion.status === 'declined') throw violation('SUGGESTION_DECLINED', 'You declined this suggestion', 'suggestionId');
  if (suggestion.status === 'open' && !suggestion.assigned && Date.parse(now) >= Date.parse(suggestion.expiresAt)) {
    throw violation('SUGGESTION_EXPIRED', 'This suggestion has expired', 'suggestionId');
  }
  return suggestion;
}

function ref(request: RequestFacts, suggestion: Suggestion): SuggestionRef {
  return {
    suggestionId: suggestion.suggestionId,
    requestId: request.requestId,
    podId: request.podId,
    helperMemberId: suggestion.helperMemberId,
    helperPodId: suggestion.helperPodId,
    offerId: suggestion.offerId,
  };
}

function matchMade(
  request: RequestFacts,
  suggestion: Suggestion,
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
      matchedAt: now,
    },
    metadata,
  };
}

function matchWithdrawn(
  request: RequestFacts,
  match: Match,
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

function withSuggestion(state: RequestMatchingState, suggestionId: string, change: Partial<Suggestion>): RequestMatchingState {
  if (state.status === 'untracked') return state;
  return { ...state, suggestions: withSuggestionIn(state.suggestions, suggestionId, change) };
}

function withSuggestionIn(suggestions: Readonly<Record<string, Suggestion>>, suggestionId: string, change: Partial<Suggestion>): Record<string, Suggestion> {
  const current = suggestions[suggestionId];
  return current ? { ...suggestions, [suggestionId]: { ...current, ...change } } : { ...suggestions };
}
