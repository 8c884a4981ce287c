import { DomainRuleViolation, spec } from '@mutuo/domain';
import {
  requestMatchingDecider,
  type DirectHelperFacts,
  type HelpOffered,
  type OfferAskedFor,
  type RequestFacts,
  type RequestMatchingCommand,
  type RequestMatchingEvent,
  type RequestReach,
} from './request-matching.decider';

const T0 = '2026-12-07T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const meta = (now: string, actorId: string) => ({ now, actorId, podId: 'pod-1' });

const request = (urgency: RequestFacts['urgency'] = 'normal'): RequestFacts => ({
  requestId: 'req-1',
  podId: 'pod-1',
  requesterMemberId: 'ana',
  category: 'transport',
  urgency,
});
const NO_PARTS = { category: 0, time: 0, distance: 0, language: 0, skills: 0, fairness: 0 };
const free: DirectHelperFacts = { paused: false, blockedWithRequester: false, activeMatches: 0, capacityMatches: 3 };
const inPod: RequestReach = { visibility: 'pod', sameRegion: true, escalatedToHelperPod: false };

/** The request as matching tracks it: posted, with a first round that suggested `suggested`. */
function posted(urgency: RequestFacts['urgency'] = 'normal', suggested: string[] = []): RequestMatchingEvent[] {
  return requestMatchingDecider.decide(
    {
      type: 'SuggestHelpers',
      data: {
        request: request(urgency),
        suggestions: suggested.map((helper) => ({
          suggestionId: `s-${helper}`,
          helperMemberId: helper,
          helperPodId: 'pod-1',
          offerId: null,
          score: 0.5,
          parts: { category: 0.5, time: 0.5, distance: 0.5, language: 0.5, skills: 0.5, fairness: 0.5 },
        })),
        trigger: 'request-posted',
      },
      metadata: meta(T0, 'system:matching'),
    },
    requestMatchingDecider.initialState(),
  );
}

const offerHelp = (
  helper: string,
  options: { podId?: string; helper?: Partial<DirectHelperFacts>; reach?: Partial<RequestReach> } = {},
): RequestMatchingCommand => ({
  type: 'OfferHelp',
  data: {
    suggestionId: `d-${helper}`,
    helperMemberId: helper,
    helperPodId: options.podId ?? 'pod-1',
    note: 'I have a van',
    availableFrom: at(60),
    availableUntil: at(240),
    matchId: `m-${helper}`,
    helper: { ...free, ...options.helper },
    reach: { ...inPod, ...options.reach },
  },
  metadata: meta(at(5), `person-${helper}`),
});
const helpOffered = (helper: string, urgency: RequestFacts['urgency'] = 'normal'): HelpOffered => ({
  type: 'HelpOffered',
  data: {
    suggestionId: `d-${helper}`,
    requestId: 'req-1',
    podId: 'pod-1',
    helperMemberId: helper,
    helperPodId: 'pod-1',
    offerId: null,
    requesterMemberId: 'ana',
    category: 'transport',
    urgency,
    note: 'I have a van',
    availableFrom: at(60),
    availableUntil: at(240),
    offeredAt: at(5),
  },
  metadata: { occurredAt: at(5), actorId: `person-${helper}`, podId: 'pod-1' },
});
const confirm = (helper: string, by: string, byCoordinator = false): RequestMatchingCommand => ({
  type: 'ConfirmHelper',
  data: { suggestionId: `d-${helper}`, actorMemberId: by, byCoordinator, matchId: `m-${helper}` },
  metadata: meta(at(10), `person-${by}`),
});
const askForOffer = (offerer: string, options: { by?: string; offerer?: Partial<DirectHelperFacts> } = {}): RequestMatchingCommand => ({
  type: 'AskForOffer',
  data: {
    suggestionId: `a-${offerer}`,
    requesterMemberId: options.by ?? 'ana',
    offer: { offerId: `offer-${offerer}`, offererMemberId: offerer, offererPodId: 'pod-1' },
    note: 'Could I have one?',
    offerer: { ...free, ...options.offerer },
    reach: inPod,
  },
  metadata: meta(at(5), `person-${options.by ?? 'ana'}`),
});
const askedFor = (offerer: string): OfferAskedFor => ({
  type: 'OfferAskedFor',
  data: {
    suggestionId: `a-${offerer}`,
    requestId: 'req-1',
    podId: 'pod-1',
    helperMemberId: offerer,
    helperPodId: 'pod-1',
    offerId: `offer-${offerer}`,
    requesterMemberId: 'ana',
    category: 'transport',
    urgency: 'normal',
    note: 'Could I have one?',
    expiresAt: at(5 + 3 * 24 * 60),
    askedAt: at(5),
  },
  metadata: { occurredAt: at(5), actorId: 'person-ana', podId: 'pod-1' },
});

describe('direct responses: "I can help"', () => {
  it('given an open request, when a member of its pod offers help, then the offer is recorded as their yes with the note and window', () => {
    spec(requestMatchingDecider)
      .given(posted())
      .when(offerHelp('bo'))
      .then([helpOffered('bo')]);
  });

  it('given offered help, when the requester confirms it, then the match is made like a confirmed suggestion, its origin "offered"', () => {
    spec(requestMatchingDecider)
      .given([...posted(), helpOffered('bo')])
      .when(confirm('bo', 'ana'))
      .then([
        {
          type: 'MatchMade',
          data: {
            matchId: 'm-bo',
            requestId: 'req-1',
            podId: 'pod-1',
            offerId: null,
            suggestionId: 'd-bo',
            requesterMemberId: 'ana',
            requesterPodId: 'pod-1',
            helperMemberId: 'bo',
            helperPodId: 'pod-1',
            crossPod: false,
            via: 'confirmed',
            origin: 'offered',
            matchedAt: at(10),
          },
          metadata: { occurredAt: at(10), actorId: 'person-ana', podId: 'pod-1' },
        },
      ]);
  });

  it('lets a coordinator of the pod confirm offered help for the requester, and no one else', () => {
    const history = [...posted(), helpOffered('bo')];
    const byCoordinator = requestMatchingDecider.decide(confirm('bo', 'cy', true), spec(requestMatchingDecider).given(history).state());
    expect(byCoordinator.map((e) => e.type)).toEqual(['MatchMade']);
    spec(requestMatchingDecider)
      .given(history)
      .when(confirm('bo', 'cy'))
      .thenThrows(DomainRuleViolation, /requester or a coordinator/);
  });

  it('makes the match at once for an emergency: the requester said yes to the first helper in advance', () => {
    const events = requestMatchingDecider.decide(offerHelp('bo'), spec(requestMatchingDecider).given(posted('emergency')).state());
    expect(events.map((e) => e.type)).toEqual(['HelpOffered', 'MatchMade']);
    expect(events[1]!.data).toMatchObject({ via: 'first-accepted', origin: 'offered', helperMemberId: 'bo' });
  });

  it('refuses a member in a block with the requester without naming the block', () => {
    const error = spec(requestMatchingDecider)
      .given(posted())
      .when(offerHelp('bo', { helper: { blockedWithRequester: true } }))
      .thenThrows(DomainRuleViolation, /not open to you/);
    expect(error).toMatchObject({ code: 'REQUEST_NOT_OPEN_TO_YOU', field: 'requestId' });
  });

  it('refuses a paused helper and a helper over their weekly capacity, each with its reason', () => {
    const paused = spec(requestMatchingDecider)
      .given(posted())
      .when(offerHelp('bo', { helper: { paused: true } }))
      .thenThrows(DomainRuleViolation);
    expect(paused).toMatchObject({ code: 'HELPER_PAUSED' });
    const full = spec(requestMatchingDecider)
      .given(posted())
      .when(offerHelp('bo', { helper: { activeMatches: 3, capacityMatches: 3 } }))
      .thenThrows(DomainRuleViolation, /3 unfinished matches/);
    expect(full).toMatchObject({ code: 'OVER_CAPACITY' });
  });

  it('follows the request visibility: another pod only for region or public requests of its region, or when escalated to it', () => {
    const given = spec(requestMatchingDecider).given(posted());
    given.when(offerHelp('bo', { podId: 'pod-2' })).thenThrows(DomainRuleViolation, /not open to you/);
    given.when(offerHelp('bo', { podId: 'pod-2', reach: { visibility: 'region', sameRegion: false } })).thenThrows(DomainRuleViolation, /not open to you/);
    const regionWide = requestMatchingDecider.decide(offerHelp('bo', { podId: 'pod-2', reach: { visibility: 'region' } }), given.state());
    expect(regionWide.map((e) => e.type)).toEqual(['HelpOffered']);
    const escalated = requestMatchingDecider.decide(offerHelp('bo', { podId: 'pod-2', reach: { escalatedToHelperPod: true } }), given.state());
    expect(escalated[0]!.data).toMatchObject({ helperPodId: 'pod-2', podId: 'pod-1' });
  });

  it('refuses the requester, a matched or closed request, and a window that ends before it starts', () => {
    spec(requestMatchingDecider)
      .given(posted())
      .when(offerHelp('ana'))
      .thenThrows(DomainRuleViolation, /your own request/);
    const matched = requestMatchingDecider.decide(
      confirm('bo', 'ana'),
      spec(requestMatchingDecider)
        .given([...posted(), helpOffered('bo')])
        .state(),
    );
    spec(requestMatchingDecider)
      .given([...posted(), helpOffered('bo'), ...matched])
      .when(offerHelp('cy'))
      .thenThrows(DomainRuleViolation, /already matched/);
    spec(requestMatchingDecider)
      .given([])
      .when(offerHelp('bo'))
      .thenThrows(DomainRuleViolation, /no such open request/);
    const backwards = offerHelp('bo');
    if (backwards.type !== 'OfferHelp') throw new Error('unexpected command');
    const reversed = { ...backwards, data: { ...backwards.data, availableFrom: at(240), availableUntil: at(60) } };
    spec(requestMatchingDecider)
      .given(posted())
      .when(reversed)
      .thenThrows(DomainRuleViolation, /after availableFrom/);
  });

  it('records an offer once (a repeat changes nothing), and turns an open suggestion for the helper into their offer', () => {
    spec(requestMatchingDecider)
      .given([...posted(), helpOffered('bo')])
      .when(offerHelp('bo'))
      .then([]);
    const turned = requestMatchingDecider.decide(
      offerHelp('bo'),
      spec(requestMatchingDecider)
        .given(posted('normal', ['bo']))
        .state(),
    );
    expect(turned).toEqual([{ ...helpOffered('bo'), data: { ...helpOffered('bo').data, suggestionId: 's-bo' } }]);
    const state = spec(requestMatchingDecider)
      .given([...posted('normal', ['bo']), ...turned])
      .state();
    expect(state.status === 'open' && Object.values(state.suggestions)).toEqual([expect.objectContaining({ suggestionId: 's-bo', source: 'offered' })]);
  });

  it('sends a helper who was asked for their offer to that ask', () => {
    spec(requestMatchingDecider)
      .given([...posted(), askedFor('bo')])
      .when(offerHelp('bo'))
      .thenThrows(DomainRuleViolation, /asked for this request already/);
  });

  it('keeps offered help through a new round of suggestions, and does not suggest the helper again', () => {
    const state = spec(requestMatchingDecider)
      .given([...posted('normal', ['cy']), helpOffered('bo')])
      .state();
    const round = requestMatchingDecider.decide(
      {
        type: 'SuggestHelpers',
        data: {
          request: request(),
          suggestions: [
            {
              suggestionId: 's-bo',
              helperMemberId: 'bo',
              helperPodId: 'pod-1',
              offerId: null,
              score: 0.9,
              parts: { category: 1, time: 1, distance: 1, language: 1, skills: 1, fairness: 1 },
            },
          ],
          trigger: 'request-changed',
        },
        metadata: meta(at(20), 'system:matching'),
      },
      state,
    );
    // The round replaces cy's open suggestion; bo, who already said yes, is not suggested again.
    expect(round.map((e) => e.type)).toEqual(['SuggestionsMade']);
    expect(round[0]!.data).toMatchObject({ round: 2, suggestions: [] });
    const after = spec(requestMatchingDecider)
      .given([...posted('normal', ['cy']), helpOffered('bo'), ...round])
      .state();
    expect(after.status === 'open' && after.suggestions['d-bo']).toMatchObject({ source: 'offered', status: 'accepted' });
  });
});

describe('direct responses: "could I have one?"', () => {
  it("given an open request, when its requester asks for an offer, then the offerer is asked with the requester's yes given", () => {
    spec(requestMatchingDecider)
      .given(posted())
      .when(askForOffer('di'))
      .then([askedFor('di')]);
  });

  it('given an ask, when the offerer accepts, then the match is made at once, via confirmed, its origin "asked"', () => {
    const events = spec(requestMatchingDecider)
      .given([...posted(), askedFor('di')])
      .state();
    const decided = requestMatchingDecider.decide(
      { type: 'AcceptSuggestion', data: { suggestionId: 'a-di', helperMemberId: 'di', matchId: 'm-di' }, metadata: meta(at(30), 'person-di') },
      events,
    );
    expect(decided.map((e) => e.type)).toEqual(['SuggestionAccepted', 'MatchMade']);
    expect(decided[1]!.data).toMatchObject({ via: 'confirmed', origin: 'asked', offerId: 'offer-di', helperMemberId: 'di' });
  });

  it('given an ask, when the offerer declines, then no match is made and the requester is not asked to confirm', () => {
    const decided = requestMatchingDecider.decide(
      { type: 'DeclineSuggestion', data: { suggestionId: 'a-di', helperMemberId: 'di', reason: 'All given away' }, metadata: meta(at(30), 'person-di') },
      spec(requestMatchingDecider)
        .given([...posted(), askedFor('di')])
        .state(),
    );
    expect(decided.map((e) => e.type)).toEqual(['SuggestionDeclined']);
  });

  it('turns an open suggestion of that very offer into the ask, and asks once', () => {
    const history = requestMatchingDecider.decide(
      {
        type: 'SuggestHelpers',
        data: {
          request: request(),
          suggestions: [{ suggestionId: 's-di', helperMemberId: 'di', helperPodId: 'pod-1', offerId: 'offer-di', score: 0.9, parts: NO_PARTS }],
          trigger: 'request-posted',
        },
        metadata: meta(T0, 'system:matching'),
      },
      requestMatchingDecider.initialState(),
    );
    const asked = requestMatchingDecider.decide(askForOffer('di'), spec(requestMatchingDecider).given(history).state());
    expect(asked).toEqual([{ ...askedFor('di'), data: { ...askedFor('di').data, suggestionId: 's-di' } }]);
    spec(requestMatchingDecider)
      .given([...history, ...asked])
      .when(askForOffer('di'))
      .then([]);
  });

  it('lets only the requester ask, never for their own offer, and never across a block', () => {
    const given = spec(requestMatchingDecider).given(posted());
    given.when(askForOffer('di', { by: 'bo' })).thenThrows(DomainRuleViolation, /request of your own/);
    given.when(askForOffer('ana')).thenThrows(DomainRuleViolation, /your own offer/);
    expect(given.when(askForOffer('di', { offerer: { blockedWithRequester: true } })).thenThrows(DomainRuleViolation)).toMatchObject({
      code: 'OFFER_NOT_OPEN_TO_YOU',
    });
  });

  it("respects the offerer's pause and capacity without detailing them", () => {
    const given = spec(requestMatchingDecider).given(posted());
    expect(given.when(askForOffer('di', { offerer: { paused: true } })).thenThrows(DomainRuleViolation)).toMatchObject({ code: 'OFFERER_UNAVAILABLE' });
    expect(given.when(askForOffer('di', { offerer: { activeMatches: 1, capacityMatches: 1 } })).thenThrows(DomainRuleViolation)).toMatchObject({
      code: 'OFFERER_UNAVAILABLE',
    });
  });

  it('keeps an ask open through a new round (it is no computed suggestion) and lets it expire like one', () => {
    const state = spec(requestMatchingDecider)
      .given([...posted(), askedFor('di')])
      .state();
    expect(state.status === 'open' && state.suggestions['a-di']).toMatchObject({ source: 'asked', status: 'open', assigned: false });
    spec(requestMatchingDecider)
      .given([...posted(), askedFor('di')])
      .when({
        type: 'AcceptSuggestion',
        data: { suggestionId: 'a-di', helperMemberId: 'di', matchId: 'm-di' },
        metadata: meta(at(5 + 3 * 24 * 60 + 1), 'person-di'),
      })
      .thenThrows(DomainRuleViolation, /expired/);
  });
});
