import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { ScoreParts } from './helper-scoring';
import {
  requestMatchingDecider,
  type MatchMade,
  type RequestFacts,
  type RequestMatchingCommand,
  type RequestMatchingEvent,
  type SuggestionsMade,
} from './request-matching.decider';

const T0 = '2026-11-25T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const meta = (now: string, actorId = 'system:matching') => ({ now, actorId, podId: 'pod-1' });
const eventMeta = (now: string, actorId = 'system:matching') => ({ occurredAt: now, actorId, podId: 'pod-1' });
const parts: ScoreParts = { category: 0.5, time: 1, distance: 0.8, language: 1, skills: 1, fairness: 1 };

const request = (urgency: RequestFacts['urgency'] = 'urgent'): RequestFacts => ({
  requestId: 'req-1',
  podId: 'pod-1',
  requesterMemberId: 'ana',
  category: 'groceries',
  urgency,
});
const suggestion = (helper: string, podId = 'pod-1') => ({
  suggestionId: `s-${helper}`,
  helperMemberId: helper,
  helperPodId: podId,
  offerId: null,
  score: 0.8,
  parts,
});

const suggest = (
  helpers: string[],
  trigger: 'request-posted' | 'match-withdrawn' = 'request-posted',
  urgency: RequestFacts['urgency'] = 'urgent',
  now = T0,
): RequestMatchingCommand => ({
  type: 'SuggestHelpers',
  data: { request: request(urgency), suggestions: helpers.map((h) => suggestion(h)), trigger },
  metadata: meta(now),
});

/** The events of a first round for `helpers`, as the decider makes them. */
function posted(helpers: string[], urgency: RequestFacts['urgency'] = 'urgent'): RequestMatchingEvent[] {
  return requestMatchingDecider.decide(suggest(helpers, 'request-posted', urgency), requestMatchingDecider.initialState());
}
const accept = (helper: string, now = at(5)): RequestMatchingCommand => ({
  type: 'AcceptSuggestion',
  data: { suggestionId: `s-${helper}`, helperMemberId: helper, matchId: `m-${helper}` },
  metadata: meta(now, `person-${helper}`),
});
const confirm = (helper: string, by = 'ana'): RequestMatchingCommand => ({
  type: 'ConfirmHelper',
  data: { suggestionId: `s-${helper}`, actorMemberId: by, byCoordinator: false, matchId: `m-${helper}` },
  metadata: meta(at(10), `person-${by}`),
});
const ref = (helper: string) => ({
  suggestionId: `s-${helper}`,
  requestId: 'req-1',
  podId: 'pod-1',
  helperMemberId: helper,
  helperPodId: 'pod-1',
  offerId: null,
});
const accepted = (helper: string, now = at(5)): RequestMatchingEvent => ({
  type: 'SuggestionAccepted',
  data: { ...ref(helper), acceptedAt: now },
  metadata: eventMeta(now, `person-${helper}`),
});
const matched = (helper: string, via: MatchMade['data']['via'], now: string, actor: string, origin: MatchMade['data']['origin'] = 'suggested'): MatchMade => ({
  type: 'MatchMade',
  data: {
    matchId: `m-${helper}`,
    requestId: 'req-1',
    podId: 'pod-1',
    offerId: null,
    suggestionId: `s-${helper}`,
    requesterMemberId: 'ana',
    requesterPodId: 'pod-1',
    helperMemberId: helper,
    helperPodId: 'pod-1',
    crossPod: false,
    via,
    origin,
    matchedAt: now,
  },
  metadata: eventMeta(now, actor),
});

describe('request matching: suggestions', () => {
  it('given a new request, when helpers fit, then it is evaluated and a first round of suggestions is made', () => {
    const events = spec(requestMatchingDecider)
      .given([])
      .when(suggest(['bo', 'cy']))
      .then(posted(['bo', 'cy']));
    expect(events.map((e) => e.type)).toEqual(['RequestTracked', 'RequestEvaluated', 'SuggestionsMade']);
    expect(events[1]!.data).toMatchObject({ candidateCount: 2, status: 'candidates-found' });
    const made = events[2] as SuggestionsMade;
    expect(made.data.round).toBe(1);
    // Whoever tells the helpers reads the request's category and urgency from the round itself.
    expect(made.data).toMatchObject({ category: 'groceries', urgency: 'urgent' });
    expect(made.data.suggestions.map((s) => [s.helperMemberId, s.source, s.expiresAt])).toEqual([
      ['bo', 'automatic', at(12 * 60)],
      ['cy', 'automatic', at(12 * 60)],
    ]);
  });

  it('given a new request, when nobody fits, then it is evaluated with no candidates', () => {
    const events = spec(requestMatchingDecider).given([]).when(suggest([])).then(posted([]));
    expect(events[1]!.data).toMatchObject({ candidateCount: 0, status: 'no-candidates' });
  });

  it('given a suggested request, when the posting arrives again, then nothing new happens', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when(suggest(['bo', 'cy']))
      .then([]);
  });

  it('never suggests the requester for their own request', () => {
    spec(requestMatchingDecider)
      .given([])
      .when(suggest(['ana']))
      .thenThrows(DomainRuleViolation, /own request/);
  });
});

describe('request matching: people decide', () => {
  it('given a suggestion, when the helper accepts, then only the acceptance is recorded (the requester still confirms)', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when(accept('bo'))
      .then([accepted('bo')]);
  });

  it('given an accepting helper, when the requester confirms, then the match is made', () => {
    spec(requestMatchingDecider)
      .given([...posted(['bo']), accepted('bo')])
      .when(confirm('bo'))
      .then([matched('bo', 'confirmed', at(10), 'person-ana')]);
  });

  it('refuses to confirm a helper who never accepted', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when(confirm('bo'))
      .thenThrows(DomainRuleViolation, /has not accepted/);
  });

  it('refuses a confirmation by anyone but the requester', () => {
    spec(requestMatchingDecider)
      .given([...posted(['bo']), accepted('bo')])
      .when(confirm('bo', 'cy'))
      .thenThrows(DomainRuleViolation, /Only the requester/);
  });

  it('refuses to accept a suggestion made for someone else', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when({ type: 'AcceptSuggestion', data: { suggestionId: 's-bo', helperMemberId: 'cy', matchId: 'm-cy' }, metadata: meta(at(5), 'person-cy') })
      .thenThrows(DomainRuleViolation, /Only the suggested helper/);
  });

  it('refuses to accept an expired suggestion', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when(accept('bo', at(12 * 60)))
      .thenThrows(DomainRuleViolation, /expired/);
  });

  it('refuses to accept a suggestion withdrawn by a newer round', () => {
    const secondRound = requestMatchingDecider.decide(
      suggest(['cy'], 'match-withdrawn', 'urgent', at(1)),
      spec(requestMatchingDecider)
        .given(posted(['bo']))
        .state(),
    );
    spec(requestMatchingDecider)
      .given([...posted(['bo']), ...secondRound])
      .when(accept('bo'))
      .thenThrows(DomainRuleViolation, /withdrawn/);
  });

  it('given an emergency, when two helpers accept at once, then the first makes the match and the second is told it is taken', () => {
    const history = posted(['bo', 'cy'], 'emergency');
    const first = spec(requestMatchingDecider)
      .given(history)
      .when(accept('bo'))
      .then([accepted('bo'), matched('bo', 'first-accepted', at(5), 'person-bo')]);
    spec(requestMatchingDecider)
      .given([...history, ...first])
      .when(accept('cy'))
      .thenThrows(DomainRuleViolation, /matched for this request first/);
  });

  it('records a decline with its reason, and a declined helper is not asked again in the next round', () => {
    const declined: RequestMatchingEvent = {
      type: 'SuggestionDeclined',
      data: { ...ref('bo'), reason: 'Away this week', declinedAt: at(5) },
      metadata: eventMeta(at(5), 'person-bo'),
    };
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when({ type: 'DeclineSuggestion', data: { suggestionId: 's-bo', helperMemberId: 'bo', reason: 'Away this week' }, metadata: meta(at(5), 'person-bo') })
      .then([declined]);
    const next = spec(requestMatchingDecider)
      .given([...posted(['bo']), declined])
      .when(suggest(['bo', 'cy'], 'match-withdrawn', 'urgent', at(6)))
      .then(
        requestMatchingDecider.decide(
          suggest(['bo', 'cy'], 'match-withdrawn', 'urgent', at(6)),
          spec(requestMatchingDecider)
            .given([...posted(['bo']), declined])
            .state(),
        ),
      );
    expect((next[0] as SuggestionsMade).data.suggestions.map((s) => s.helperMemberId)).toEqual(['cy']);
  });
});

describe('request matching: dispatchers and withdrawal', () => {
  const assign = (helper: string, override = false): RequestMatchingCommand => ({
    type: 'AssignHelper',
    data: { helperMemberId: helper, helperPodId: 'pod-1', suggestionId: `s-${helper}`, matchId: `m-${helper}`, override, helperExclusion: null, reason: null },
    metadata: meta(at(3), 'person-dispatcher'),
  });

  it('given an assignment by a dispatcher, when the helper accepts, then the match is made at once', () => {
    const history = [
      ...posted(['bo']),
      ...requestMatchingDecider.decide(
        assign('dee'),
        spec(requestMatchingDecider)
          .given(posted(['bo']))
          .state(),
      ),
    ];
    spec(requestMatchingDecider)
      .given(history)
      .when(accept('dee'))
      .then([accepted('dee'), matched('dee', 'assigned', at(5), 'person-dee')]);
  });

  it('refuses to assign a helper in a block with the requester', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when({ ...assign('cy'), data: { ...(assign('cy').data as object), helperExclusion: 'blocked' } } as RequestMatchingCommand)
      .thenThrows(DomainRuleViolation, /cannot be asked: blocked/);
  });

  it('given a match, when a dispatcher assigns someone else without override, then it is refused; with override the old match is withdrawn first', () => {
    const history = [...posted(['bo']), accepted('bo'), matched('bo', 'confirmed', at(10), 'person-ana')];
    spec(requestMatchingDecider)
      .given(history)
      .when(assign('cy'))
      .thenThrows(DomainRuleViolation, /already matched/);
    const events = spec(requestMatchingDecider)
      .given(history)
      .when(assign('cy', true))
      .then(requestMatchingDecider.decide(assign('cy', true), spec(requestMatchingDecider).given(history).state()));
    expect(events.map((e) => e.type)).toEqual(['MatchWithdrawn', 'HelperAssigned']);
    expect(events[0]!.data).toMatchObject({ withdrawnBy: 'coordinator', helperMemberId: 'bo' });
  });

  it('given a match, when the helper withdraws, then the request is open again and a new round can be made', () => {
    const history = [...posted(['bo', 'cy']), accepted('bo'), matched('bo', 'confirmed', at(10), 'person-ana')];
    const withdrawal = spec(requestMatchingDecider)
      .given(history)
      .when({ type: 'WithdrawMatch', data: { actorMemberId: 'bo', actorIsCoordinator: false, reason: 'Sick' }, metadata: meta(at(20), 'person-bo') })
      .then([
        {
          type: 'MatchWithdrawn',
          data: {
            matchId: 'm-bo',
            requestId: 'req-1',
            podId: 'pod-1',
            offerId: null,
            requesterMemberId: 'ana',
            helperMemberId: 'bo',
            helperPodId: 'pod-1',
            withdrawnBy: 'helper',
            reason: 'Sick',
            withdrawnAt: at(20),
          },
          metadata: eventMeta(at(20), 'person-bo'),
        },
      ]);
    const after = spec(requestMatchingDecider).given([...history, ...withdrawal]);
    expect(after.state().status).toBe('open');
    const round = requestMatchingDecider.decide(suggest(['bo', 'cy', 'dee'], 'match-withdrawn', 'urgent', at(21)), after.state());
    expect((round[0] as SuggestionsMade).data).toMatchObject({ round: 2 });
    expect((round[0] as SuggestionsMade).data.suggestions.map((s) => s.helperMemberId)).toEqual(['cy', 'dee']);
  });

  it('refuses a withdrawal by someone outside the match', () => {
    spec(requestMatchingDecider)
      .given([...posted(['bo']), accepted('bo'), matched('bo', 'confirmed', at(10), 'person-ana')])
      .when({ type: 'WithdrawMatch', data: { actorMemberId: 'cy', actorIsCoordinator: false, reason: null }, metadata: meta(at(20), 'person-cy') })
      .thenThrows(DomainRuleViolation, /Only the requester, the helper or a coordinator/);
  });

  it('records feedback that a suggestion was wrong', () => {
    spec(requestMatchingDecider)
      .given(posted(['bo']))
      .when({
        type: 'GiveSuggestionFeedback',
        data: { suggestionId: 's-bo', verdict: 'wrong', reason: 'Bo has no car', givenByMemberId: 'disp' },
        metadata: meta(at(4), 'person-disp'),
      })
      .then([
        {
          type: 'SuggestionFeedbackGiven',
          data: {
            suggestionId: 's-bo',
            requestId: 'req-1',
            podId: 'pod-1',
            helperMemberId: 'bo',
            verdict: 'wrong',
            reason: 'Bo has no car',
            givenByMemberId: 'disp',
            givenAt: at(4),
          },
          metadata: eventMeta(at(4), 'person-disp'),
        },
      ]);
  });
});

describe('request matching: escalation', () => {
  const escalate: RequestMatchingCommand = {
    type: 'EscalateRequest',
    data: {
      regionId: 'region-1',
      toPodIds: ['pod-2', 'pod-3'],
      deadline: at(30),
      shared: { category: 'groceries', urgency: 'emergency', title: null, locationCell: 'eyckr' },
    },
    metadata: meta(at(31), 'system:matching-escalation'),
  };

  it('given an unmatched request past its deadline, when escalated, then neighbouring pods are named nearest first; a second scan changes nothing', () => {
    const events = spec(requestMatchingDecider)
      .given(posted(['bo'], 'emergency'))
      .when(escalate)
      .then([
        {
          type: 'RequestEscalated',
          data: {
            requestId: 'req-1',
            podId: 'pod-1',
            requesterMemberId: 'ana',
            regionId: 'region-1',
            toPodIds: ['pod-2', 'pod-3'],
            deadline: at(30),
            shared: { category: 'groceries', urgency: 'emergency', title: null, locationCell: 'eyckr' },
            escalatedAt: at(31),
          },
          metadata: eventMeta(at(31), 'system:matching-escalation'),
        },
      ]);
    spec(requestMatchingDecider)
      .given([...posted(['bo'], 'emergency'), ...events])
      .when(escalate)
      .then([]);
  });

  it('does not escalate a matched request', () => {
    spec(requestMatchingDecider)
      .given([...posted(['bo']), accepted('bo'), matched('bo', 'confirmed', at(10), 'person-ana')])
      .when(escalate)
      .then([]);
  });

  it('lets a helper of a neighbouring pod accept an escalated suggestion, making a cross-pod match', () => {
    const escalatedRound: RequestMatchingCommand = {
      type: 'SuggestHelpers',
      data: { request: request('emergency'), suggestions: [suggestion('eva', 'pod-2')], trigger: 'escalated' },
      metadata: meta(at(32)),
    };
    const history = posted([], 'emergency');
    const round = requestMatchingDecider.decide(escalatedRound, spec(requestMatchingDecider).given(history).state());
    expect((round[0] as SuggestionsMade).data.suggestions[0]).toMatchObject({ helperPodId: 'pod-2', source: 'escalated' });
    const events = spec(requestMatchingDecider)
      .given([...history, ...round])
      .when(accept('eva', at(33)))
      .then(
        requestMatchingDecider.decide(
          accept('eva', at(33)),
          spec(requestMatchingDecider)
            .given([...history, ...round])
            .state(),
        ),
      );
    expect(events[1]!.data).toMatchObject({ crossPod: true, helperPodId: 'pod-2', requesterPodId: 'pod-1', via: 'first-accepted' });
  });
});

describe('request matching: rounds', () => {
  it('keeps a helper suggested again in a new round on the same suggestion, and asks again a helper who never answered', () => {
    const first = posted(['bo', 'cy']);
    const again = requestMatchingDecider.decide(
      {
        type: 'SuggestHelpers',
        data: { request: request(), suggestions: [{ ...suggestion('bo'), suggestionId: 's-bo-2' }, suggestion('dee')], trigger: 'match-withdrawn' },
        metadata: meta(at(1)),
      },
      spec(requestMatchingDecider).given(first).state(),
    );
    const made = again[0] as SuggestionsMade;
    expect(made.data.suggestions.map((s) => s.suggestionId)).toEqual(['s-bo', 's-dee']);
    const state = spec(requestMatchingDecider)
      .given([...first, ...again])
      .state();
    if (state.status !== 'open') throw new Error('expected an open request');
    expect(Object.values(state.suggestions).map((s) => [s.suggestionId, s.status])).toEqual([
      ['s-bo', 'open'],
      ['s-cy', 'withdrawn'],
      ['s-dee', 'open'],
    ]);
  });
});
