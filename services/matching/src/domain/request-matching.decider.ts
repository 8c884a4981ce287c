import { Decider, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { AssignHelper, RequestMatchingCommand, SuggestHelpers } from './request-matching.commands';
import { matchMade, matchWithdrawn, suggestionRefOf, type RequestMatchingEvent, type SuggestionAccepted } from './request-matching.events';
import { askForOffer, offerHelp } from './direct-responses';
import {
  evolveRequestMatching,
  initialRequestMatchingState,
  isDirectResponse,
  replacedByNewRound,
  SUGGESTION_TTL_MINUTES,
  withSuggestionIn,
  type RequestMatchingState,
  type Suggestion,
  type Tracked,
} from './request-matching.state';
import { withdrawEscalation } from './escalation-withdrawal';

/**
 * One request as matching sees it: the suggestions made for it, who said yes or no, the match, and its escalation to
 * neighbouring pods. Automation suggests; people decide: a match needs the helper's yes and the requester's (or, for
 * an emergency or a dispatcher's assignment, the yes given in advance). One stream per request, so two helpers racing
 * for it are ordered by optimistic concurrency: exactly one wins, the other is told the request is taken.
 */

// The decider is the way in to the request's matching: its commands, events and state come with it.
export * from './request-matching.commands';
export * from './request-matching.events';
export * from './request-matching.state';

const violation = (code: string, message: string, field?: string) => new DomainRuleViolation(code, message, field);

export const requestMatchingDecider: Decider<RequestMatchingState, RequestMatchingCommand, RequestMatchingEvent> = {
  initialState: initialRequestMatchingState,

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
        const accepted: SuggestionAccepted = {
          type: 'SuggestionAccepted',
          data: { ...suggestionRefOf(tracked.request, suggestion), acceptedAt: now },
          metadata,
        };
        // The requester's yes was given in advance: by asking for this offer, by a dispatcher's assignment, or by an
        // emergency (the first helper who comes is welcome).
        const via =
          suggestion.source === 'asked' ? 'confirmed' : suggestion.assigned ? 'assigned' : tracked.request.urgency === 'emergency' ? 'first-accepted' : null;
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
        return [
          { type: 'SuggestionDeclined', data: { ...suggestionRefOf(state.request, suggestion), reason: command.data.reason, declinedAt: now }, metadata },
        ];
      }
      case 'ConfirmHelper': {
        const tracked = requireOpenRequest(state, 'suggestionId');
        if (tracked.request.requesterMemberId !== command.data.actorMemberId && !command.data.byCoordinator) {
          throw violation('NOT_YOUR_REQUEST', "Only the requester or a coordinator of the request's pod can confirm a helper", 'suggestionId');
        }
        const suggestion = findSuggestion(tracked, command.data.suggestionId);
        if (suggestion.status !== 'accepted') {
          throw violation('HELPER_NOT_ACCEPTED', 'This helper has not accepted (yet): only a helper who said yes can be confirmed', 'suggestionId');
        }
        return [matchMade(tracked.request, suggestion, command.data.matchId, 'confirmed', now, metadata)];
      }
      case 'AssignHelper':
        return assignHelper(command, state);
      case 'OfferHelp':
        return offerHelp(command, state);
      case 'AskForOffer':
        return askForOffer(command, state);
      case 'WithdrawMatch': {
        if (state.status !== 'matched') throw violation('NO_MATCH', 'This request has no match to withdraw from', 'requestId');
        const { actorMemberId, actorIsCoordinator, reason } = command.data;
        const withdrawnBy =
          actorMemberId === state.request.requesterMemberId
            ? 'requester'
            : actorMemberId === state.match.helperMemberId
              ? 'helper'
              : actorIsCoordinator
                ? 'coordinator'
                : null;
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
      case 'WithdrawEscalation':
        return withdrawEscalation(command, state);
      case 'CloseRequest': {
        if (state.status === 'untracked' || state.status === 'closed') return [];
        return [
          {
            type: 'RequestClosed',
            data: { requestId: state.request.requestId, podId: state.request.podId, reason: command.data.reason, closedAt: now },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'request matching command');
    }
  },

  evolve: evolveRequestMatching,
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
  // Helpers who already answered this request, or are in a direct response to it, are not asked again in a new round.
  const answered = new Set(
    state.status === 'untracked'
      ? []
      : Object.values(state.suggestions)
          .filter((s) => s.answered || (isDirectResponse(s) && s.status === 'open'))
          .map((s) => s.helperMemberId),
  );
  const expiresAt = new Date(Date.parse(now) + SUGGESTION_TTL_MINUTES[facts.urgency] * 60_000).toISOString();
  const fresh = suggestions.filter((suggestion) => !answered.has(suggestion.helperMemberId));
  const stillOpen = new Map(
    state.status === 'untracked'
      ? []
      : Object.values(state.suggestions)
          .filter(replacedByNewRound)
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
  events.push({
    type: 'HelperAssigned',
    data: { ...suggestionRef, assignedBy: command.metadata.actorId, reason: command.data.reason, assignedAt: now },
    metadata,
  });
  if (existing?.status === 'accepted') {
    events.push(matchMade(tracked.request, existing, command.data.matchId, 'assigned', now, metadata));
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
  if (suggestion.status === 'withdrawn')
    throw violation('SUGGESTION_WITHDRAWN', 'This suggestion was withdrawn: look at your current suggestions', 'suggestionId');
  if (suggestion.status === 'declined') throw violation('SUGGESTION_DECLINED', 'You declined this suggestion', 'suggestionId');
  if (suggestion.status === 'open' && !suggestion.assigned && Date.parse(now) >= Date.parse(suggestion.expiresAt)) {
    throw violation('SUGGESTION_EXPIRED', 'This suggestion has expired', 'suggestionId');
  }
  return suggestion;
}
