import { randomUUID } from 'node:crypto';
import {
  MatchMadeV1,
  MatchWithdrawnV1,
  MemberErasedV1,
  MemberJoinedV1,
  MemberProfileChangedV1,
  OfferPostedV1,
  PodCreatedV1,
  PodSettingsChangedV1,
  RequestEscalatedV1,
  RequestPostedV1,
  SuggestionsMadeV1,
  memberIdFor,
  type MatchMadeV1Data,
  type RequestEscalatedV1Data,
  type SuggestionsMadeV1Data,
} from '@mutuo/contracts';
import { encodeGeohash } from '@mutuo/domain';
import { createLogger } from '@mutuo/platform';
import { ManualClock, MetricsScrape, natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { EntityManager } from '@mikro-orm/postgresql';
import { EscalateUnmatchedRequestsScheduler } from '../src/escalation/escalate-unmatched-requests.scheduler';
import { matchingOptionsFrom } from '../src/matching.options';
import { matchingService } from '../src/matching.service';
import { SuggestHelpersService } from '../src/shared/suggest-helpers.service';
import { MatchingTestBus } from './matching-test-bus';
import { squareAround } from './service-area';

const REGION = 'test-region';
jest.setTimeout(45_000);

const nonEmpty = <T>(list: T[]) => (list.length > 0 ? list : undefined);

interface SuggestionView {
  id: string;
  helperMemberId: string | null;
  helperPodId: string;
  status: string;
  source: string;
  score: number;
  explanation: string;
  parts: Record<string, number>;
}

/**
 * Matching on real PostgreSQL and NATS: membership's and requests' events come in over JetStream, people decide
 * through matching's GraphQL subgraph, and matching's own events go out on JetStream.
 */
describe('match lifecycle (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const bus = new MatchingTestBus(prefix, REGION);
  const regionId = randomUUID();
  const [podA, podB, podC] = [randomUUID(), randomUUID(), randomUUID()];
  const person = (name: string) => `person-${name}`;
  const member = (pod: string, name: string) => memberIdFor(pod, person(name));
  const graça = { lat: 38.7167, lon: -9.1307 };
  const cell = (point: { lat: number; lon: number }) => encodeGeohash(point, 6);

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_lifecycle',
      appRole: 'mutuo_matching_app',
      env: { REGION, MATCHING_ESCALATION_ENABLED: 'false' },
      natsPrefix: prefix,
    });
    await bus.open([MatchMadeV1, MatchWithdrawnV1, RequestEscalatedV1, SuggestionsMadeV1]);
    // Pod A (Graça), pod B next door, pod C in Porto; only A lets requests go to neighbours, and shows them only inside.
    const pods: [string, number, number][] = [
      [podA, graça.lat, graça.lon],
      [podB, 38.73, -9.14],
      [podC, 41.1579, -8.6291],
    ];
    for (const [podId, lat, lon] of pods) {
      await bus.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
        podId,
        regionId,
        name: `Pod ${podId.slice(0, 4)}`,
        languages: ['pt'],
        timezone: 'Europe/Lisbon',
        serviceArea: squareAround(lat, lon),
      });
    }
    await bus.publish(PodSettingsChangedV1, `pod:${podA}:${podA}`, podA, {
      podId: podA,
      requestVisibility: 'pod',
      escalateToNeighbours: true,
      admissionMode: 'open',
      changedAt: new Date().toISOString(),
    });
    const porto = { lat: 41.1579, lon: -8.6291 };
    const people: [string, string, string[], { lat: number; lon: number }][] = [
      [podA, 'ana', ['groceries'], graça],
      [podA, 'bo', ['groceries', 'transport'], graça],
      [podA, 'cy', ['groceries'], graça],
      [podA, 'dee', ['groceries'], graça],
      [podB, 'eva', ['medical'], { lat: 38.73, lon: -9.14 }],
      [podC, 'fil', ['medical'], porto],
    ];
    for (const [podId, name, skills, home] of people) {
      const memberId = member(podId, name);
      await bus.publish(MemberJoinedV1, `member:${podId}:${memberId}`, podId, {
        memberId,
        podId,
        personId: person(name),
        displayName: name,
        preferredLanguage: 'pt',
      });
      await bus.publish(MemberProfileChangedV1, `member:${podId}:${memberId}`, podId, {
        memberId,
        podId,
        languages: ['pt'],
        skills,
        locationCell: cell(home),
        changedAt: new Date().toISOString(),
      });
    }
    await waitFor(async () => (await adminQuery<{ n: number }>('select count(*)::int as n from helper_search'))[0]!.n === 7, {
      description: 'matching to know every helper and skill',
      timeoutMs: 20_000,
    });
  }, 90_000);

  afterAll(async () => {
    await bus.close();
    await sut?.stop();
  });

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);

  const tokenFor = (pod: string, name: string, roles = ['member']) => sut.token(person(name), pod, roles);

  async function gql<T>(pod: string, name: string, query: string, variables: Record<string, unknown> = {}, roles?: string[]) {
    return sut.graphql<T>(await tokenFor(pod, name, roles), query, variables);
  }

  async function postRequest(category: string, urgency: 'emergency' | 'urgent' | 'normal', postedAt = new Date()): Promise<string> {
    const requestId = randomUUID();
    await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      requesterMemberId: member(podA, 'ana'),
      title: 'Compras para sexta',
      category,
      urgency,
      postedAt: postedAt.toISOString(),
      locationCell: cell(graça),
      language: 'pt',
    });
    return requestId;
  }

  const SUGGESTIONS = `query($id: ID!) { _entities(representations: [{ __typename: "Request", id: $id }]) {
    ... on Request { suggestions { id helperMemberId helperPodId status source score explanation parts { category time distance language skills fairness } } match { id status helperMemberId crossPod via } } } }`;
  type Entities = {
    _entities: { suggestions: SuggestionView[]; match: { id: string; status: string; helperMemberId: string; crossPod: boolean; via: string } | null }[];
  };

  async function requestAsSeenBy(pod: string, name: string, requestId: string) {
    const result = await gql<Entities>(pod, name, SUGGESTIONS, { id: requestId });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!._entities[0]!;
  }

  async function suggestionsFor(requestId: string, count: number): Promise<SuggestionView[]> {
    return waitFor(
      async () => {
        const { suggestions } = await requestAsSeenBy(podA, 'ana', requestId);
        return suggestions.filter((s) => s.status === 'OPEN').length >= count ? suggestions : undefined;
      },
      { description: `${count} suggestions for the request`, timeoutMs: 15_000 },
    );
  }

  const mutate = (pod: string, name: string, mutation: string, suggestionId: string, roles?: string[]) =>
    gql<Record<string, { matched: boolean; matchId: string | null }>>(
      pod,
      name,
      `mutation($id: ID!) { ${mutation}(suggestionId: $id) { matched matchId } }`,
      { id: suggestionId },
      roles,
    );

  it('request posted → suggestions explained → helper accepts → requester confirms → match made and published; a withdrawal reopens it', async () => {
    const requestId = await postRequest('groceries', 'urgent');
    const suggestions = await suggestionsFor(requestId, 3);
    const helpers = suggestions.map((s) => s.helperMemberId);
    expect(helpers).toEqual(expect.arrayContaining([member(podA, 'bo'), member(podA, 'cy'), member(podA, 'dee')]));
    expect(helpers).not.toContain(member(podA, 'ana'));
    expect(suggestions[0]!.explanation).toMatch(/^score \d\.\d\d = category/);
    expect(suggestions[0]!.parts.language).toBe(1);
    const forBo = suggestions.find((s) => s.helperMemberId === member(podA, 'bo'))!;
    const forCy = suggestions.find((s) => s.helperMemberId === member(podA, 'cy'))!;
    // The published round says what the request is about: notifications tells helpers from it alone.
    const round = await waitFor(() => bus.published<SuggestionsMadeV1Data>(SuggestionsMadeV1).find((made) => made.requestId === requestId), {
      description: 'suggestions-made on NATS',
      timeoutMs: 15_000,
    });
    expect(round).toMatchObject({ category: 'groceries', urgency: 'urgent' });

    // Bo sees it among "suggestions for me"; Cy cannot accept it for him; Ana cannot confirm Cy, who never said yes.
    const mine = await gql<{ suggestionsForMe: { id: string }[] }>(podA, 'bo', '{ suggestionsForMe { id } }');
    expect(mine.data!.suggestionsForMe.map((s) => s.id)).toContain(forBo.id);
    expect((await mutate(podA, 'cy', 'acceptSuggestion', forBo.id)).errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_YOUR_SUGGESTION',
      field: 'suggestionId',
    });
    expect((await mutate(podA, 'ana', 'confirmHelper', forCy.id)).errors?.[0]?.extensions).toMatchObject({ code: 'HELPER_NOT_ACCEPTED' });

    expect((await mutate(podA, 'bo', 'acceptSuggestion', forBo.id)).data).toEqual({ acceptSuggestion: { matched: false, matchId: null } });
    const confirmed = await mutate(podA, 'ana', 'confirmHelper', forBo.id);
    expect(confirmed.data!.confirmHelper.matched).toBe(true);

    const made = await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((m) => m.requestId === requestId), {
      description: 'match-made on NATS',
      timeoutMs: 15_000,
    });
    expect(made).toMatchObject({
      matchId: confirmed.data!.confirmHelper.matchId,
      requesterMemberId: member(podA, 'ana'),
      requesterPodId: podA,
      helperMemberId: member(podA, 'bo'),
      helperPodId: podA,
      crossPod: false,
      via: 'confirmed',
    });
    expect((await MetricsScrape.of(sut.service.url)).value('mutuo_matches_made_total', { service: 'matching' })).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await requestAsSeenBy(podA, 'ana', requestId)).match?.status === 'MADE', {
      description: 'the match in the read model',
      timeoutMs: 15_000,
    });
    expect(
      (await adminQuery<{ active_matches: number }>('select active_matches from pod_helpers where member_id = $1', [member(podA, 'bo')]))[0]!.active_matches,
    ).toBe(1);

    // Cy was asked too, but the request is taken now.
    expect((await mutate(podA, 'cy', 'acceptSuggestion', forCy.id)).errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST_ALREADY_MATCHED' });

    const withdrawn = await gql<{ withdrawMatch: { matched: boolean } }>(
      podA,
      'bo',
      'mutation($id: ID!) { withdrawMatch(requestId: $id, reason: "Fiquei doente") { matched } }',
      { id: requestId },
    );
    expect(withdrawn.data).toEqual({ withdrawMatch: { matched: false } });
    await waitFor(
      () => bus.published<{ requestId: string; withdrawnBy: string }>(MatchWithdrawnV1).find((m) => m.requestId === requestId && m.withdrawnBy === 'helper'),
      {
        description: 'match-withdrawn on NATS',
        timeoutMs: 15_000,
      },
    );
    // A new round asks the others again, not Bo, who already answered.
    const next = await waitFor(
      async () => {
        const view = await requestAsSeenBy(podA, 'ana', requestId);
        return view.match?.status === 'WITHDRAWN' ? view.suggestions.filter((s) => s.status === 'OPEN') : undefined;
      },
      { description: 'the new round', timeoutMs: 15_000 },
    );
    expect(next.map((s) => s.helperMemberId).sort()).toEqual([member(podA, 'cy'), member(podA, 'dee')].sort());
    expect(
      (await adminQuery<{ active_matches: number }>('select active_matches from pod_helpers where member_id = $1', [member(podA, 'bo')]))[0]!.active_matches,
    ).toBe(0);
  });

  it('two helpers accepting an emergency at once: exactly one wins, the other is told it is taken', async () => {
    const requestId = await postRequest('groceries', 'emergency');
    const suggestions = await suggestionsFor(requestId, 2);
    const [first, second] = suggestions.filter((s) => s.status === 'OPEN');
    const nameOf = (s: SuggestionView) => ['bo', 'cy', 'dee'].find((name) => member(podA, name) === s.helperMemberId)!;
    const results = await Promise.all([first!, second!].map((s) => mutate(podA, nameOf(s), 'acceptSuggestion', s.id)));
    const winners = results.filter((r) => r.data?.acceptSuggestion.matched);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.errors![0]!.extensions).toMatchObject({ code: 'REQUEST_ALREADY_MATCHED', field: 'suggestionId' });
    const made = await waitFor(() => nonEmpty(bus.published<MatchMadeV1Data>(MatchMadeV1).filter((m) => m.requestId === requestId)), {
      description: 'one match-made',
      timeoutMs: 15_000,
    });
    expect(made).toHaveLength(1);
    expect(made[0]!.via).toBe('first-accepted');
  });

  it('refuses bad input with a code and the field, never a stack trace', async () => {
    const bad = await gql(podA, 'bo', 'mutation { acceptSuggestion(suggestionId: "not-an-id") { matched } }');
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'suggestionId' } });
    const unknown = await gql(podA, 'bo', `mutation { acceptSuggestion(suggestionId: "${randomUUID()}") { matched } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'SUGGESTION_NOT_FOUND' });
    const notDispatcher = await gql(podA, 'bo', `mutation { giveSuggestionFeedback(suggestionId: "${randomUUID()}", verdict: WRONG) { matched } }`);
    expect(notDispatcher.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('escalates an unmatched emergency past its deadline to the nearest neighbouring pods, sharing only allowed fields; a helper there accepts', async () => {
    const t0 = Date.now();
    const clock = new ManualClock(t0);
    const app = sut.service.app;
    const scheduler = new EscalateUnmatchedRequestsScheduler(
      app.get(EntityManager),
      app.get(SuggestHelpersService),
      clock,
      matchingOptionsFrom({ MATCHING_ESCALATION_ENABLED: 'false' }),
      createLogger('matching', 'silent'),
    );
    // Nobody in pod A offers medical help.
    const requestId = await postRequest('medical', 'emergency', new Date(t0));
    await waitFor(async () => (await adminQuery('select 1 from request_matching where request_id = $1', [requestId])).length > 0, {
      description: 'the request to be evaluated',
      timeoutMs: 15_000,
    });
    expect((await requestAsSeenBy(podA, 'ana', requestId)).suggestions).toEqual([]);

    clock.set(t0 + 29 * 60_000);
    expect(await scheduler.runOnce()).toMatchObject({ escalated: 0 });
    const dispatcherQueue = () =>
      gql<{ unmatchedPastDeadline: { request: { id: string }; escalated: boolean }[] }>(
        podA,
        'disp',
        '{ unmatchedPastDeadline { request { id } escalated } }',
        {},
        ['member', 'dispatcher'],
      );

    clock.set(t0 + 31 * 60_000);
    expect(await scheduler.runOnce()).toMatchObject({ escalated: 1, failed: 0 });
    expect(await scheduler.runOnce()).toMatchObject({ escalated: 0 });

    const escalated = await waitFor(() => bus.published<RequestEscalatedV1Data>(RequestEscalatedV1).find((e) => e.requestId === requestId), {
      description: 'request-escalated on NATS',
      timeoutMs: 15_000,
    });
    expect(escalated).toMatchObject({ podId: podA, regionId, toPodIds: [podB, podC].slice(0, escalated.toPodIds.length) });
    expect(escalated.toPodIds[0]).toBe(podB);
    // Pod A shows its requests only inside: the title stays home, the place is coarse.
    expect(escalated.shared).toEqual({ category: 'medical', urgency: 'emergency', title: null, locationCell: cell(graça).slice(0, 5) });
    expect(Date.parse(escalated.deadline)).toBe(t0 + 30 * 60_000);

    // Eva (pod B) sees the escalated suggestion; Fil (pod C, 270 km away) is out of range.
    const forEva = await waitFor(
      async () => {
        const mine = await gql<{ suggestionsForMe: { id: string; source: string; requestId: string; request: { id: string } | null; shared: unknown }[] }>(
          podB,
          'eva',
          '{ suggestionsForMe { id source requestId request { id } shared { category urgency title locationCell } } }',
        );
        return mine.data?.suggestionsForMe.find((s) => s.requestId === requestId);
      },
      { description: "Eva's escalated suggestion", timeoutMs: 15_000 },
    );
    expect(forEva.source).toBe('ESCALATED');
    // Pod B cannot read pod A's request: the schema says so with a null request (not a null list), and `shared` instead.
    expect(forEva.request).toBeNull();
    expect(forEva.shared).toEqual({ category: 'MEDICAL', urgency: 'EMERGENCY', title: null, locationCell: cell(graça).slice(0, 5) });
    const fils = await gql<{ suggestionsForMe: unknown[] }>(podC, 'fil', '{ suggestionsForMe { id } }');
    expect(fils.data!.suggestionsForMe).toEqual([]);

    const accepted = await gql<{ acceptSuggestion: { matched: boolean; request: { id: string } | null } }>(
      podB,
      'eva',
      'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched request { id } } }',
      { id: forEva.id },
    );
    expect(accepted.data!.acceptSuggestion).toEqual({ matched: true, request: null });
    const made = await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((m) => m.requestId === requestId), {
      description: 'cross-pod match',
      timeoutMs: 15_000,
    });
    expect(made).toMatchObject({ crossPod: true, requesterPodId: podA, helperPodId: podB, helperMemberId: member(podB, 'eva'), via: 'first-accepted' });
    await waitFor(async () => ((await dispatcherQueue()).data?.unmatchedPastDeadline ?? []).every((r) => r.request.id !== requestId), {
      description: 'the matched request to leave the dispatcher queue',
      timeoutMs: 15_000,
    });
  });

  it('suggests a newly posted offer for an open request nearby that nobody could meet yet', async () => {
    const requestId = await postRequest('meals', 'urgent');
    await waitFor(async () => (await adminQuery('select 1 from request_matching where request_id = $1', [requestId])).length > 0, {
      description: 'the request to be evaluated',
      timeoutMs: 15_000,
    });
    expect((await requestAsSeenBy(podA, 'ana', requestId)).suggestions).toEqual([]);
    const offerId = randomUUID();
    const cy = member(podA, 'cy');
    await bus.publish(OfferPostedV1, `offer:${podA}:${offerId}`, podA, {
      offerId,
      podId: podA,
      offererMemberId: cy,
      title: 'Sopa para quatro',
      category: 'meals',
      subcategory: null,
      language: 'pt',
      window: { from: null, until: null, rrule: null, durationMinutes: null },
      locationCell: cell(graça),
      visibility: 'pod',
      quantity: 4,
      remainingQuantity: 4,
      regionId,
      postedAt: new Date().toISOString(),
    });
    const [forCy] = await suggestionsFor(requestId, 1);
    expect(forCy).toMatchObject({ helperMemberId: cy, status: 'OPEN' });
    expect(forCy!.parts.category).toBe(1);
    // The offerer sees where their offer was suggested.
    const offer = await gql<{ _entities: { suggestions: { id: string; request: { id: string } }[] }[] }>(
      podA,
      'cy',
      'query($id: ID!) { _entities(representations: [{ __typename: "Offer", id: $id }]) { ... on Offer { suggestions { id request { id } } } } }',
      { id: offerId },
    );
    expect(offer.data!._entities[0]!.suggestions).toEqual([{ id: forCy!.id, request: { id: requestId } }]);
  });

  it('lets a coordinator tune the deadlines, and the dispatcher queue follows them', async () => {
    const SET = 'mutation($input: EscalationDeadlinesInput!) { setEscalationDeadlines(input: $input) { emergencyMinutes urgentMinutes normalMinutes } }';
    const input = { emergencyMinutes: 10, urgentMinutes: 120, normalMinutes: 1440 };
    expect((await gql(podA, 'bo', SET, { input })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gql(podA, 'coord', SET, { input: { ...input, emergencyMinutes: 1 } }, ['member', 'coordinator'])).errors?.[0]?.extensions).toMatchObject({
      code: 'DEADLINE_OUT_OF_RANGE',
      field: 'emergencyMinutes',
    });
    expect((await gql(podA, 'coord', SET, { input }, ['member', 'coordinator'])).data).toEqual({ setEscalationDeadlines: input });

    const requestId = await postRequest('housing', 'emergency', new Date(Date.now() - 15 * 60_000));
    const queue = await waitFor(
      async () => {
        const result = await gql<{ unmatchedPastDeadline: { request: { id: string }; urgency: string; deadline: string }[] }>(
          podA,
          'disp',
          '{ unmatchedPastDeadline { request { id } urgency deadline } }',
          {},
          ['member', 'dispatcher'],
        );
        return result.data?.unmatchedPastDeadline.find((entry) => entry.request.id === requestId);
      },
      { description: 'the overdue request in the dispatcher queue', timeoutMs: 15_000 },
    );
    expect(queue.urgency).toBe('EMERGENCY');
    expect((await gql(podA, 'bo', '{ unmatchedPastDeadline { urgency } }')).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps read models right when events come late or twice', async () => {
    const bo = member(podA, 'bo');
    const newer = new Date().toISOString();
    const older = new Date(Date.now() - 60_000).toISOString();
    await bus.publish(MemberProfileChangedV1, `member:${podA}:${bo}`, podA, {
      memberId: bo,
      podId: podA,
      languages: ['pt', 'en'],
      skills: ['groceries', 'transport'],
      locationCell: cell(graça),
      changedAt: newer,
    });
    const late = await bus.publish(MemberProfileChangedV1, `member:${podA}:${bo}`, podA, {
      memberId: bo,
      podId: podA,
      languages: ['uk'],
      skills: ['childcare'],
      locationCell: null,
      changedAt: older,
    });
    await waitFor(async () => (await adminQuery('select 1 from mutuo_inbox where event_id = $1', [late])).length > 0, {
      description: 'the late profile',
      timeoutMs: 15_000,
    });
    expect((await adminQuery<{ skills: string[]; languages: string[] }>('select skills, languages from pod_helpers where member_id = $1', [bo]))[0]).toEqual({
      skills: ['groceries', 'transport'],
      languages: ['pt', 'en'],
    });
    expect((await adminQuery<{ skill: string }>('select skill from helper_search where member_id = $1 order by skill', [bo])).map((r) => r.skill)).toEqual([
      'groceries',
      'transport',
    ]);

    // The producer replays a posting under a new event id: the request keeps its one evaluation and its first round.
    const requestId = randomUUID();
    const posting = {
      requestId,
      podId: podA,
      requesterMemberId: member(podA, 'ana'),
      title: 'Boleia',
      category: 'transport',
      urgency: 'normal',
      postedAt: newer,
      locationCell: cell(graça),
      language: 'pt',
    };
    await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, posting, 1);
    const replay = await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, posting, 1);
    await waitFor(async () => (await adminQuery('select 1 from mutuo_inbox where event_id = $1', [replay])).length > 0, {
      description: 'the replay',
      timeoutMs: 15_000,
    });
    const types = await adminQuery<{ type: string }>('select type from mutuo_events where stream_id = $1 order by stream_position', [
      `request-matching:${podA}:${requestId}`,
    ]);
    expect(types.map((t) => t.type)).toEqual(['RequestTracked', 'RequestEvaluated', 'SuggestionsMade']);
  });

  it('lets a dispatcher assign a helper by hand (the helper still says yes) and mark a suggestion wrong', async () => {
    const dispatcher = ['member', 'dispatcher'];
    const requestId = await postRequest('groceries', 'normal');
    const suggestions = await suggestionsFor(requestId, 1);
    const ASSIGN = 'mutation($input: AssignHelperInput!) { assignHelper(input: $input) { matched } }';
    const cy = member(podA, 'cy');
    expect((await gql(podA, 'bo', ASSIGN, { input: { requestId, helperMemberId: cy } })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gql(podA, 'disp', ASSIGN, { input: { requestId, helperMemberId: member(podA, 'ana') } }, dispatcher)).errors?.[0]?.extensions).toMatchObject({
      code: 'REQUESTER_AS_CANDIDATE',
      field: 'helperMemberId',
    });
    const eventsBefore = await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events');
    for (const [reason, field] of [
      ['Cy\u0000 knows her', 'input.reason'],
      ['\u200B\u2060\u3164', 'reason'],
      ['Cy\u0085knows', 'input.reason'],
    ]) {
      const refused = await gql(podA, 'disp', ASSIGN, { input: { requestId, helperMemberId: cy, reason } }, dispatcher);
      expect(refused.errors?.[0]?.extensions).toEqual({ code: 'INVALID_TEXT', field });
    }
    expect(await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events')).toEqual(eventsBefore);
    expect((await gql(podA, 'disp', ASSIGN, { input: { requestId, helperMemberId: cy, reason: 'Cy knows her' } }, dispatcher)).data).toEqual({
      assignHelper: { matched: false },
    });

    const wrong = suggestions.find((s) => s.helperMemberId !== cy)!;
    const feedback = await gql<{ giveSuggestionFeedback: { matched: boolean } }>(
      podA,
      'disp',
      'mutation($id: ID!) { giveSuggestionFeedback(suggestionId: $id, verdict: WRONG, reason: "Moved away") { matched } }',
      { id: wrong.id },
      dispatcher,
    );
    expect(feedback.errors).toBeUndefined();

    const assigned = await waitFor(
      async () => {
        const mine = await gql<{ suggestionsForMe: { id: string; assigned: boolean; request: { id: string } }[] }>(
          podA,
          'cy',
          '{ suggestionsForMe { id assigned request { id } } }',
        );
        return mine.data?.suggestionsForMe.find((s) => s.request.id === requestId && s.assigned);
      },
      { description: "Cy's assignment", timeoutMs: 15_000 },
    );
    expect((await mutate(podA, 'cy', 'acceptSuggestion', assigned.id)).data).toEqual({ acceptSuggestion: { matched: true, matchId: expect.any(String) } });
    const made = await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((m) => m.requestId === requestId), {
      description: 'the assigned match',
      timeoutMs: 15_000,
    });
    expect(made).toMatchObject({ helperMemberId: cy, via: 'assigned' });
    await waitFor(
      async () =>
        (await adminQuery<{ feedback_verdict: string }>('select feedback_verdict from suggestions_view where suggestion_id = $1', [wrong.id]))[0]
          ?.feedback_verdict === 'wrong',
      {
        description: 'the feedback in the read model',
        timeoutMs: 15_000,
      },
    );
  });

  it('forgets an erased member: no longer suggested, anonymous in past suggestions, and a late profile does not bring them back', async () => {
    const dee = member(podA, 'dee');
    // Dee declines with a reason of her own: it is sealed with her key in matching's events.
    const asked = await postRequest('groceries', 'normal');
    const toDecline = (await suggestionsFor(asked, 1)).find((s) => s.helperMemberId === dee && s.status === 'OPEN')!.id;
    const declined = await gql(podA, 'dee', 'mutation($id: ID!) { declineSuggestion(suggestionId: $id, reason: "A minha mãe está doente") { matched } }', {
      id: toDecline,
    });
    expect(declined.errors).toBeUndefined();
    await waitFor(
      async () =>
        (await adminQuery<{ decline_reason: string }>('select decline_reason from suggestions_view where suggestion_id = $1', [toDecline]))[0]?.decline_reason,
      {
        description: 'the decline in the read model',
        timeoutMs: 15_000,
      },
    );
    expect(await adminQuery("select 1 from mutuo_events where data::text like '%mãe está doente%' or publish_data::text like '%mãe está doente%'")).toEqual([]);
    expect(await adminQuery('select 1 from mutuo_personal_data_keys where owner_id = $1', [dee])).toHaveLength(1);

    await bus.publish(MemberErasedV1, `member:${podA}:${dee}`, podA, { memberId: dee, podId: podA, erasedAt: new Date().toISOString() });
    await waitFor(async () => (await adminQuery('select 1 from erased_members where member_id = $1', [dee])).length > 0, {
      description: 'the erasure',
      timeoutMs: 15_000,
    });
    expect(await adminQuery('select 1 from pod_helpers where member_id = $1', [dee])).toEqual([]);
    expect(await adminQuery('select 1 from helper_search where member_id = $1', [dee])).toEqual([]);
    expect(await adminQuery('select 1 from suggestions_view where helper_member_id = $1', [dee])).toEqual([]);
    expect(await adminQuery("select 1 from suggestions_view where helper_member_id is null and status = 'open'")).toEqual([]);
    expect((await adminQuery<{ n: number }>('select count(*)::int as n from suggestions_view where helper_member_id is null'))[0]!.n).toBeGreaterThan(0);
    expect(
      (await adminQuery<{ decline_reason: string | null }>('select decline_reason from suggestions_view where suggestion_id = $1', [toDecline]))[0],
    ).toEqual({ decline_reason: null });
    expect(await adminQuery('select 1 from mutuo_personal_data_keys where owner_id = $1', [dee])).toEqual([]);

    await bus.publish(
      MemberProfileChangedV1,
      `member:${podA}:${dee}`,
      podA,
      { memberId: dee, podId: podA, languages: ['pt'], skills: ['groceries'], locationCell: cell(graça), changedAt: new Date().toISOString() },
      99,
    );
    const requestId = await postRequest('groceries', 'urgent');
    const suggestions = await suggestionsFor(requestId, 1);
    expect(suggestions.map((s) => s.helperMemberId)).not.toContain(dee);
    expect(await adminQuery('select 1 from pod_helpers where member_id = $1', [dee])).toEqual([]);
  });

  it('rebuilds the suggestion and match read models from the events to the same rows (erased members stay anonymous)', async () => {
    const snapshot = async () => ({
      suggestions: await adminQuery(
        'select suggestion_id, helper_member_id, status, assigned, decline_reason, feedback_verdict, shared from suggestions_view order by suggestion_id',
      ),
      matches: await adminQuery('select match_id, helper_member_id, requester_member_id, status, via, withdrawn_by from matches_view order by match_id'),
      load: await adminQuery('select member_id, active_matches, last_helped_at from pod_helpers order by member_id'),
      requests: await adminQuery('select request_id, status, escalated_to from tracked_requests order by request_id'),
    });
    const before = await snapshot();
    expect(before.matches.length).toBeGreaterThan(2);
    await sut.service.projections.rebuild('suggestions');
    // The service's own runner may take over the replay from the rebuild: wait for it to reach the head.
    const expected = JSON.stringify(before);
    await waitFor(async () => JSON.stringify(await snapshot()) === expected, { description: 'the replay to reach the head', timeoutMs: 15_000 }).catch(
      () => undefined,
    );
    expect(await snapshot()).toEqual(before);
  });
});
