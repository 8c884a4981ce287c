import { DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { AskForOffer, DirectHelperFacts, OfferHelp, RequestReach } from './request-matching.commands';
import { matchMade, type HelpOffered, type OfferAskedFor, type RequestMatchingEvent } from './request-matching.events';
import { SUGGESTION_TTL_MINUTES, isDirectResponse, type RequestMatchingState, type Tracked } from './request-matching.state';

/**
 * Direct responses between members, on the request's matching stream so they share the suggestions' lifecycle: "I can
 * help" is a helper's yes waiting for the requester's (or a coordinator's) confirmation; "could I have one?" is the
 * requester's yes waiting for the offerer's. Both obey the rules computed suggestions obey: no blocks either way, no
 * paused helper, no helper over their weekly capacity, and only a request the helper's pod may see. A block is never
 * named to the blocked member: the request is just not open to them.
 */

const violation = (code: string, message: string, field?: string) => new DomainRuleViolation(code, message, field);

export function offerHelp(command: OfferHelp, state: RequestMatchingState): RequestMatchingEvent[] {
  const metadata = eventMetadataFrom(command.metadata);
  const now = command.metadata.now;
  const { helperMemberId, helperPodId, note, availableFrom, availableUntil, helper, reach } = command.data;
  const tracked = requireRespondable(state);
  if (!mayReach(tracked, helperPodId, reach) || helper.blockedWithRequester) {
    throw violation('REQUEST_NOT_OPEN_TO_YOU', 'This request is not open to you', 'requestId');
  }
  if (helperMemberId === tracked.request.requesterMemberId) {
    throw violation('REQUESTER_AS_CANDIDATE', 'You cannot offer help on your own request', 'requestId');
  }
  if (availableFrom !== null && availableUntil !== null && Date.parse(availableUntil) <= Date.parse(availableFrom)) {
    throw violation('BAD_WINDOW', 'availableUntil must be after availableFrom', 'availableUntil');
  }
  const existing = Object.values(tracked.suggestions).find((s) => s.helperMemberId === helperMemberId && (s.status === 'open' || s.status === 'accepted'));
  // Their yes is already there (offered before, or a suggestion accepted): nothing new.
  if (existing?.status === 'accepted') return [];
  if (existing && (existing.assigned || isDirectResponse(existing))) {
    throw violation('ALREADY_ASKED', 'You were asked for this request already: answer that', 'requestId');
  }
  refuseWhenUnavailable(helper, 'you');
  // A helper suggested by the automation who says "I can help" turns that suggestion into their offer (one entry each).
  const suggestionId = existing?.suggestionId ?? command.data.suggestionId;
  const offered: HelpOffered = {
    type: 'HelpOffered',
    data: {
      suggestionId,
      requestId: tracked.request.requestId,
      podId: tracked.request.podId,
      helperMemberId,
      helperPodId,
      offerId: null,
      requesterMemberId: tracked.request.requesterMemberId,
      category: tracked.request.category,
      urgency: tracked.request.urgency,
      note,
      availableFrom,
      availableUntil,
      offeredAt: now,
    },
    metadata,
  };
  if (tracked.request.urgency !== 'emergency') return [offered];
  // In an emergency the requester's yes is given in advance, as for a suggestion: the first helper who comes is welcome.
  const helperAsSuggested = { suggestionId, helperMemberId, helperPodId, offerId: null, source: 'offered' as const };
  return [offered, matchMade(tracked.request, helperAsSuggested, command.data.matchId, 'first-accepted', now, metadata)];
}

export function askForOffer(command: AskForOffer, state: RequestMatchingState): RequestMatchingEvent[] {
  const metadata = eventMetadataFrom(command.metadata);
  const now = command.metadata.now;
  const { requesterMemberId, offer, note, offerer, reach } = command.data;
  const tracked = requireRespondable(state);
  if (tracked.request.requesterMemberId !== requesterMemberId) {
    throw violation('NOT_YOUR_REQUEST', 'You can ask for an offer only for a request of your own', 'requestId');
  }
  if (offer.offererMemberId === requesterMemberId) throw violation('OWN_OFFER', 'This is your own offer', 'offerId');
  if (!mayReach(tracked, offer.offererPodId, reach) || offerer.blockedWithRequester) {
    throw violation('OFFER_NOT_OPEN_TO_YOU', 'This offer is not open to you', 'offerId');
  }
  const live = Object.values(tracked.suggestions).filter((s) => s.helperMemberId === offer.offererMemberId && (s.status === 'open' || s.status === 'accepted'));
  if (live.some(isDirectResponse)) return [];
  refuseWhenUnavailable(offerer, 'the offerer');
  // The automation may have suggested this very offer: asking for it turns that suggestion into the ask (one entry each).
  const suggested = live.find((s) => s.status === 'open' && !s.assigned && s.offerId === offer.offerId);
  const suggestionId = suggested?.suggestionId ?? command.data.suggestionId;
  const asked: OfferAskedFor = {
    type: 'OfferAskedFor',
    data: {
      suggestionId,
      requestId: tracked.request.requestId,
      podId: tracked.request.podId,
      helperMemberId: offer.offererMemberId,
      helperPodId: offer.offererPodId,
      offerId: offer.offerId,
      requesterMemberId,
      category: tracked.request.category,
      urgency: tracked.request.urgency,
      note,
      expiresAt: new Date(Date.parse(now) + SUGGESTION_TTL_MINUTES[tracked.request.urgency] * 60_000).toISOString(),
      askedAt: now,
    },
    metadata,
  };
  return [asked];
}

/** A direct response needs a request still looking for help. */
function requireRespondable(state: RequestMatchingState): Tracked {
  switch (state.status) {
    case 'untracked':
      throw violation('REQUEST_NOT_FOUND', 'There is no such open request (yet)', 'requestId');
    case 'matched':
      throw violation('REQUEST_ALREADY_MATCHED', 'Someone was already matched for this request', 'requestId');
    case 'closed':
      throw violation('REQUEST_CLOSED', 'This request is closed', 'requestId');
    case 'open':
      return state;
    default:
      return assertNever(state, 'request matching state');
  }
}

/** The request's own pod, a pod it was escalated to, or the region when its visibility reaches beyond the pod. */
function mayReach(tracked: Tracked, helperPodId: string, reach: RequestReach): boolean {
  if (helperPodId === tracked.request.podId || reach.escalatedToHelperPod) return true;
  switch (reach.visibility) {
    case 'pod':
      return false;
    case 'region':
    case 'public':
      return reach.sameRegion;
    default:
      return assertNever(reach.visibility, 'request visibility');
  }
}

/** Pauses and capacity protect helpers from burnout: a direct response respects them as a suggestion does. */
function refuseWhenUnavailable(helper: DirectHelperFacts, who: 'you' | 'the offerer'): void {
  if (helper.paused) {
    throw violation(
      who === 'you' ? 'HELPER_PAUSED' : 'OFFERER_UNAVAILABLE',
      who === 'you' ? 'You paused helping: come back from your pause first' : 'The offerer is taking a break',
      who === 'you' ? 'requestId' : 'offerId',
    );
  }
  if (helper.activeMatches >= helper.capacityMatches) {
    throw violation(
      who === 'you' ? 'OVER_CAPACITY' : 'OFFERER_UNAVAILABLE',
      who === 'you'
        ? `You already have ${helper.activeMatches} unfinished matches, as many as your weekly capacity allows: finish or withdraw one first`
        : 'The offerer has as much on their plate as they said they can take this week',
      who === 'you' ? 'requestId' : 'offerId',
    );
  }
}
