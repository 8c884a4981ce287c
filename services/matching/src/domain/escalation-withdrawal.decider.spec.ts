import { spec } from '@mutuo/domain';
import type { ScoreParts } from './helper-scoring';
import { requestMatchingDecider, type RequestMatchingCommand, type RequestMatchingEvent } from './request-matching.decider';

const T0 = '2026-11-25T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const meta = (now: string, actorId = 'system:matching') => ({ now, actorId, podId: 'pod-1' });
const parts: ScoreParts = { category: 0.5, time: 1, distance: 0.8, language: 1, skills: 1, fairness: 1 };
const request = { requestId: 'req-1', podId: 'pod-1', requesterMemberId: 'ana', category: 'groceries', urgency: 'urgent' } as const;

const suggest = (helpers: [string, string][], trigger: 'request-posted' | 'escalated', now: string): RequestMatchingCommand => ({
  type: 'SuggestHelpers',
  data: {
    request,
    suggestions: helpers.map(([helper, podId]) => ({
      suggestionId: `s-${helper}`,
      helperMemberId: helper,
      helperPodId: podId,
      offerId: null,
      score: 0.8,
      parts,
    })),
    trigger,
  },
  metadata: meta(now),
});
const escalate: RequestMatchingCommand = {
  type: 'EscalateRequest',
  data: {
    regionId: 'region-1',
    toPodIds: ['pod-2', 'pod-3'],
    deadline: at(30),
    shared: { category: 'groceries', urgency: 'urgent', title: null, locationCell: null },
  },
  metadata: meta(at(31), 'system:matching-escalation'),
};
const podLeft = (leftPodId: string): RequestMatchingCommand => ({
  type: 'WithdrawEscalation',
  data: { leftPodId, regionId: 'region-1' },
  metadata: meta(at(60), 'system:matching-region'),
});

/** Runs commands one after the other, each on the history the ones before it made. */
function history(...commands: RequestMatchingCommand[]): RequestMatchingEvent[] {
  return andThen([], ...commands);
}
function andThen(given: RequestMatchingEvent[], ...commands: RequestMatchingCommand[]): RequestMatchingEvent[] {
  return commands.reduce<RequestMatchingEvent[]>(
    (events, command) => [...events, ...requestMatchingDecider.decide(command, spec(requestMatchingDecider).given(events).state())],
    given,
  );
}

/** A request of pod-1 escalated to pod-2 and pod-3, with a round suggesting bo (pod-1), eva (pod-2) and fay (pod-3). */
const escalated = () =>
  history(
    suggest([['bo', 'pod-1']], 'request-posted', T0),
    escalate,
    suggest(
      [
        ['bo', 'pod-1'],
        ['eva', 'pod-2'],
        ['fay', 'pod-3'],
      ],
      'escalated',
      at(31),
    ),
  );

const withdrawn = (leftPodId: string, suggestionIds: string[], escalationEnded: boolean): RequestMatchingEvent => ({
  type: 'EscalationWithdrawn',
  data: { requestId: 'req-1', podId: 'pod-1', leftPodId, regionId: 'region-1', reason: 'pod-left-region', suggestionIds, escalationEnded, withdrawnAt: at(60) },
  metadata: { occurredAt: at(60), actorId: 'system:matching-region', podId: 'pod-1' },
});

describe('request matching: a pod leaves the region an escalation crossed', () => {
  it("given a request escalated to pod-2 and pod-3, when pod-2 leaves, then only pod-2's helpers' suggestions are withdrawn; again, nothing", () => {
    const events = spec(requestMatchingDecider)
      .given(escalated())
      .when(podLeft('pod-2'))
      .then([withdrawn('pod-2', ['s-eva'], false)]);
    const after = spec(requestMatchingDecider)
      .given([...escalated(), ...events])
      .state();
    expect(after.status === 'open' && Object.values(after.suggestions).map((s) => [s.helperMemberId, s.status])).toEqual([
      ['bo', 'open'],
      ['eva', 'withdrawn'],
      ['fay', 'open'],
    ]);
    expect(after.status === 'open' && after.escalatedAt).toBe(at(31));
    spec(requestMatchingDecider)
      .given([...escalated(), ...events])
      .when(podLeft('pod-2'))
      .then([]);
  });

  it("given an escalated request, when its own pod leaves, then every helper outside the pod is withdrawn and the escalation ends, so a new region's scan may escalate it again", () => {
    const events = spec(requestMatchingDecider)
      .given(escalated())
      .when(podLeft('pod-1'))
      .then([withdrawn('pod-1', ['s-eva', 's-fay'], true)]);
    spec(requestMatchingDecider)
      .given([...escalated(), ...events])
      .when(podLeft('pod-1'))
      .then([]);
    const inNewRegion: RequestMatchingCommand = { ...escalate, data: { ...escalate.data, regionId: 'region-2', toPodIds: ['pod-9'] }, metadata: meta(at(90)) };
    const again = requestMatchingDecider.decide(
      inNewRegion,
      spec(requestMatchingDecider)
        .given([...escalated(), ...events])
        .state(),
    );
    expect(again.map((e) => [e.type, e.type === 'RequestEscalated' && e.data.regionId])).toEqual([['RequestEscalated', 'region-2']]);
  });

  it('given a request never escalated, or a pod it was not escalated to, when a pod leaves, then nothing happens', () => {
    const posted = history(suggest([['bo', 'pod-1']], 'request-posted', T0));
    spec(requestMatchingDecider).given(posted).when(podLeft('pod-1')).then([]);
    spec(requestMatchingDecider).given(escalated()).when(podLeft('pod-7')).then([]);
  });

  it("given a cross-pod match, when the helper's pod leaves, then the match stays: both people said yes", () => {
    const matched = andThen(
      escalated(),
      { type: 'AcceptSuggestion', data: { suggestionId: 's-eva', helperMemberId: 'eva', matchId: 'm-eva' }, metadata: meta(at(40), 'person-eva') },
      {
        type: 'ConfirmHelper',
        data: { suggestionId: 's-eva', actorMemberId: 'ana', byCoordinator: false, matchId: 'm-eva' },
        metadata: meta(at(45), 'person-ana'),
      },
    );
    expect(matched.at(-1)).toMatchObject({ type: 'MatchMade', data: { crossPod: true, helperPodId: 'pod-2' } });
    spec(requestMatchingDecider).given(matched).when(podLeft('pod-2')).then([]);
  });
});
