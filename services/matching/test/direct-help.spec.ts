import { randomUUID } from 'node:crypto';
import {
  HelpOfferedV1,
  MatchMadeV1,
  MemberBlockedV1,
  MemberJoinedV1,
  MemberProfileChangedV1,
  OfferAskedForV1,
  OfferPostedV1,
  PodCreatedV1,
  RequestPostedV1,
  memberIdFor,
  type HelpOfferedV1Data,
  type MatchMadeV1Data,
  type OfferAskedForV1Data,
} from '@mutuo/contracts';
import { encodeGeohash } from '@mutuo/domain';
import { natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';
import { MatchingTestBus } from './matching-test-bus';
import { squareAround } from './service-area';

const REGION = 'test-region';
jest.setTimeout(45_000);

interface ResponseView {
  id: string;
  helperMemberId: string | null;
  helperPodId: string;
  status: string;
  source: string;
  note: string | null;
  availableFrom: string | null;
}
interface Outcome {
  matched: boolean;
  matchId: string | null;
}

/**
 * "I can help" and "could I have one?" on real PostgreSQL and NATS: requests' and membership's events come in over
 * JetStream, members respond through matching's GraphQL, and help-offered, offer-asked-for and match-made go out.
 */
describe('direct help (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const bus = new MatchingTestBus(prefix, REGION);
  const regionId = randomUUID();
  const [podA, podB] = [randomUUID(), randomUUID()];
  const person = (name: string) => `person-${name}`;
  const member = (pod: string, name: string) => memberIdFor(pod, person(name));
  const home = { lat: 38.7167, lon: -9.1307 };
  const cell = encodeGeohash(home, 6);

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_direct_help',
      appRole: 'mutuo_matching_app',
      env: { REGION, MATCHING_ESCALATION_ENABLED: 'false' },
      natsPrefix: prefix,
    });
    await bus.open([HelpOfferedV1, OfferAskedForV1, MatchMadeV1]);
    for (const [podId, lat] of [
      [podA, home.lat],
      [podB, home.lat + 0.02],
    ] as const) {
      await bus.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
        podId,
        regionId,
        name: `Pod ${podId.slice(0, 4)}`,
        languages: ['pt'],
        timezone: 'Europe/Lisbon',
        serviceArea: squareAround(lat, home.lon),
      });
    }
    const people: [string, string][] = [
      [podA, 'ana'],
      [podA, 'bo'],
      [podA, 'cy'],
      [podA, 'dee'],
      [podB, 'eva'],
    ];
    for (const [podId, name] of people) {
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
        skills: ['meals'],
        locationCell: cell,
        changedAt: new Date().toISOString(),
      });
    }
    // Cy blocked Ana: Cy cannot respond to Ana's requests, and is never told why.
    await bus.publish(MemberBlockedV1, `member:${podA}:${member(podA, 'cy')}`, podA, {
      podId: podA,
      blockerMemberId: member(podA, 'cy'),
      blockedMemberId: member(podA, 'ana'),
    });
    await waitFor(
      async () =>
        (await adminQuery<{ n: number }>('select count(*)::int as n from pod_helpers'))[0]!.n === 5 &&
        (await adminQuery('select 1 from helper_blocks where active')).length === 1,
      { description: 'matching to know every member and the block', timeoutMs: 20_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await bus.close();
    await sut?.stop();
  });

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);

  async function gql<T>(pod: string, name: string, query: string, variables: Record<string, unknown> = {}) {
    return sut.graphql<T>(await sut.token(person(name), pod, ['member']), query, variables);
  }

  async function postRequest(visibility: 'pod' | 'region', category = 'transport'): Promise<string> {
    const requestId = randomUUID();
    await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      requesterMemberId: member(podA, 'ana'),
      title: 'Mudança no sábado',
      category,
      urgency: 'normal',
      postedAt: new Date().toISOString(),
      locationCell: cell,
      language: 'pt',
      visibility,
      regionId,
    });
    await waitFor(async () => (await adminQuery('select 1 from tracked_requests where request_id = $1', [requestId])).length > 0, {
      description: 'matching to track the request',
      timeoutMs: 15_000,
    });
    return requestId;
  }

  const offerHelp = (pod: string, name: string, input: Record<string, unknown>) =>
    gql<{ offerHelp: Outcome }>(pod, name, 'mutation($input: OfferHelpInput!) { offerHelp(input: $input) { matched matchId } }', { input });

  async function responses(requestId: string, count: number): Promise<ResponseView[]> {
    return waitFor(
      async () => {
        const result = await gql<{ _entities: { suggestions: ResponseView[] }[] }>(
          podA,
          'ana',
          `query($id: ID!) { _entities(representations: [{ __typename: "Request", id: $id }]) {
             ... on Request { suggestions { id helperMemberId helperPodId status source note availableFrom } } } }`,
          { id: requestId },
        );
        const list = result.data?._entities[0]?.suggestions.filter((s) => s.source === 'OFFERED' || s.source === 'ASKED') ?? [];
        return list.length >= count ? list : undefined;
      },
      { description: `${count} direct responses`, timeoutMs: 15_000 },
    );
  }

  it('a member offers help, a member of a neighbouring pod too (region visibility); the requester sees both with their notes and confirms one', async () => {
    const requestId = await postRequest('region');
    const from = '2026-12-12T09:00:00+00:00';
    expect((await offerHelp(podA, 'bo', { requestId, note: 'Tenho uma carrinha', availableFrom: from })).data).toEqual({
      offerHelp: { matched: false, matchId: null },
    });
    expect((await offerHelp(podB, 'eva', { requestId, note: null })).errors).toBeUndefined();

    const list = await responses(requestId, 2);
    const fromBo = list.find((s) => s.helperMemberId === member(podA, 'bo'))!;
    expect(fromBo).toMatchObject({ source: 'OFFERED', status: 'ACCEPTED', note: 'Tenho uma carrinha', availableFrom: '2026-12-12T09:00:00.000Z' });
    expect(list.find((s) => s.helperMemberId === member(podB, 'eva'))).toMatchObject({ helperPodId: podB, source: 'OFFERED' });
    const published = await waitFor(() => bus.published<HelpOfferedV1Data>(HelpOfferedV1).find((e) => e.suggestionId === fromBo.id), {
      description: 'help-offered on NATS',
      timeoutMs: 15_000,
    });
    expect(published).toMatchObject({ requestId, requesterMemberId: member(podA, 'ana'), category: 'transport', urgency: 'normal' });

    const confirmed = await gql<{ confirmHelper: Outcome }>(podA, 'ana', 'mutation($id: ID!) { confirmHelper(suggestionId: $id) { matched matchId } }', {
      id: fromBo.id,
    });
    expect(confirmed.data!.confirmHelper.matched).toBe(true);
    const made = await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((m) => m.requestId === requestId), {
      description: 'match-made on NATS',
      timeoutMs: 15_000,
    });
    expect(made).toMatchObject({ helperMemberId: member(podA, 'bo'), via: 'confirmed', origin: 'offered' });
    // Someone else offering now is told the request is taken.
    expect((await offerHelp(podA, 'dee', { requestId })).errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST_ALREADY_MATCHED', field: 'requestId' });
  });

  it('refuses a member in a block with the requester, and another pod for a request shown only in its pod, with a code and the field', async () => {
    const requestId = await postRequest('pod');
    expect((await offerHelp(podA, 'cy', { requestId })).errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST_NOT_OPEN_TO_YOU', field: 'requestId' });
    expect((await offerHelp(podB, 'eva', { requestId })).errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST_NOT_OPEN_TO_YOU', field: 'requestId' });
    expect((await offerHelp(podA, 'bo', { requestId, availableFrom: 'Saturday' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await adminQuery("select 1 from suggestions_view where request_id = $1 and source = 'offered'", [requestId])).length).toBe(0);
  });

  it('the requester asks for an offer of their pod; the offerer sees the ask and accepts; the match is made at once', async () => {
    const requestId = await postRequest('pod', 'meals');
    const offerId = randomUUID();
    const dee = member(podA, 'dee');
    await bus.publish(OfferPostedV1, `offer:${podA}:${offerId}`, podA, {
      offerId,
      podId: podA,
      offererMemberId: dee,
      title: 'Sopa para quatro',
      category: 'meals',
      subcategory: null,
      language: 'pt',
      window: { from: null, until: null, rrule: null, durationMinutes: null },
      locationCell: cell,
      visibility: 'pod',
      quantity: 4,
      remainingQuantity: 4,
      regionId,
      postedAt: new Date().toISOString(),
    });
    await waitFor(async () => (await adminQuery('select 1 from open_offers where offer_id = $1', [offerId])).length > 0, {
      description: 'matching to know the offer',
      timeoutMs: 15_000,
    });
    const ask = (name: string) =>
      gql<{ askForOffer: Outcome }>(podA, name, 'mutation($input: AskForOfferInput!) { askForOffer(input: $input) { matched } }', {
        input: { offerId, requestId, note: 'Pode ser uma?' },
      });
    expect((await ask('bo')).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_YOUR_REQUEST' });
    expect((await ask('ana')).data).toEqual({ askForOffer: { matched: false } });
    await waitFor(() => bus.published<OfferAskedForV1Data>(OfferAskedForV1).find((e) => e.offerId === offerId && e.helperMemberId === dee), {
      description: 'offer-asked-for on NATS',
      timeoutMs: 15_000,
    });

    const askedOfDee = await waitFor(
      async () => {
        const mine = await gql<{ suggestionsForMe: ResponseView[] }>(
          podA,
          'dee',
          '{ suggestionsForMe { id helperMemberId helperPodId status source note availableFrom } }',
        );
        return mine.data?.suggestionsForMe.find((s) => s.source === 'ASKED');
      },
      { description: 'the ask among the offerer’s suggestions', timeoutMs: 15_000 },
    );
    expect(askedOfDee).toMatchObject({ status: 'OPEN', note: 'Pode ser uma?' });
    const accepted = await gql<{ acceptSuggestion: Outcome }>(podA, 'dee', 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', {
      id: askedOfDee.id,
    });
    expect(accepted.data).toEqual({ acceptSuggestion: { matched: true } });
    const made = await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((m) => m.requestId === requestId), {
      description: 'match-made on NATS',
      timeoutMs: 15_000,
    });
    expect(made).toMatchObject({ helperMemberId: dee, offerId, via: 'confirmed', origin: 'asked' });
  });
});
