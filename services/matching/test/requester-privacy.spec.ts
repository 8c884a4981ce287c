import { randomUUID } from 'node:crypto';
import { MatchMadeV1, MemberJoinedV1, MemberProfileChangedV1, PodCreatedV1, RequestPostedV1, memberIdFor, type MatchMadeV1Data } from '@mutuo/contracts';
import { encodeGeohash } from '@mutuo/domain';
import { natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';
import { MatchingTestBus } from './matching-test-bus';

const REGION = 'test-region';
jest.setTimeout(45_000);

/**
 * An anonymous requester stays anonymous in matching's subgraph: the match names them only to themselves and to
 * their pod's coordinators, never to the helper or anyone else of the pod (real PostgreSQL and NATS).
 */
describe('anonymous requesters in matching', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const bus = new MatchingTestBus(prefix, REGION);
  const podA = randomUUID();
  const person = (name: string) => `person-${name}`;
  const member = (name: string) => memberIdFor(podA, person(name));
  const home = encodeGeohash({ lat: 38.7167, lon: -9.1307 }, 6);

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_anonymity',
      appRole: 'mutuo_matching_app',
      env: { REGION, MATCHING_ESCALATION_ENABLED: 'false' },
      natsPrefix: prefix,
    });
    await bus.open([MatchMadeV1]);
    await bus.publish(PodCreatedV1, `pod:${podA}:${podA}`, podA, {
      podId: podA,
      regionId: randomUUID(),
      name: 'Graça',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    for (const [name, skills] of [
      ['ana', []],
      ['bo', ['groceries']],
    ] as const) {
      const memberId = member(name);
      await bus.publish(MemberJoinedV1, `member:${podA}:${memberId}`, podA, {
        memberId,
        podId: podA,
        personId: person(name),
        displayName: name,
        preferredLanguage: 'pt',
      });
      await bus.publish(MemberProfileChangedV1, `member:${podA}:${memberId}`, podA, {
        memberId,
        podId: podA,
        languages: ['pt'],
        skills: [...skills],
        locationCell: home,
        changedAt: new Date().toISOString(),
      });
    }
    await waitFor(
      async () =>
        (await queryDatabase(sut.db.adminUrl, "select 1 from helper_search where member_id = $1 and skill = 'groceries'", [member('bo')])).length === 1,
      {
        description: 'matching to know Bo can help with groceries',
        timeoutMs: 20_000,
      },
    );
  }, 90_000);

  afterAll(async () => {
    await bus.close();
    await sut?.stop();
  });

  async function gql<T>(name: string, query: string, variables: Record<string, unknown>, roles = ['member']) {
    const result = await sut.graphql<T>(await sut.token(person(name), podA, roles), query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  }

  const MATCH = `query($id: ID!) { _entities(representations: [{ __typename: "Request", id: $id }]) {
    ... on Request { suggestions { id helperMemberId } match { requestId requesterMemberId helperMemberId } } } }`;
  type MatchView = {
    _entities: {
      suggestions: { id: string; helperMemberId: string }[];
      match: { requestId: string; requesterMemberId: string | null; helperMemberId: string } | null;
    }[];
  };
  const requestAs = async (name: string, requestId: string, roles?: string[]) => (await gql<MatchView>(name, MATCH, { id: requestId }, roles))._entities[0]!;

  /** Ana asks; Bo, the only helper, accepts the emergency, which matches it at once. */
  async function matchedRequest(anonymous: boolean): Promise<string> {
    const requestId = randomUUID();
    await bus.publish(RequestPostedV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      requesterMemberId: member('ana'),
      title: 'Compras para hoje',
      category: 'groceries',
      urgency: 'emergency',
      postedAt: new Date().toISOString(),
      locationCell: home,
      language: 'pt',
      anonymous,
    });
    const forBo = await waitFor(async () => (await requestAs('ana', requestId)).suggestions.find((s) => s.helperMemberId === member('bo')), {
      description: 'a suggestion for Bo',
      timeoutMs: 15_000,
    });
    await gql('bo', 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: forBo.id });
    await waitFor(() => bus.published<MatchMadeV1Data>(MatchMadeV1).find((made) => made.requestId === requestId), {
      description: 'match-made',
      timeoutMs: 15_000,
    });
    await waitFor(async () => (await requestAs('ana', requestId)).match ?? undefined, { description: 'the match in the read model', timeoutMs: 15_000 });
    return requestId;
  }

  it('shows who asked for an anonymous request only to the requester and the pod coordinators, not to the helper or a dispatcher', async () => {
    const requestId = await matchedRequest(true);

    expect((await requestAs('bo', requestId)).match).toEqual({ requestId, requesterMemberId: null, helperMemberId: member('bo') });
    expect((await requestAs('dispatcher-dan', requestId, ['member', 'dispatcher'])).match?.requesterMemberId).toBeNull();
    expect((await requestAs('ana', requestId)).match?.requesterMemberId).toBe(member('ana'));
    expect((await requestAs('coordinator-cleo', requestId, ['member', 'coordinator'])).match?.requesterMemberId).toBe(member('ana'));
  });

  it('shows the requester of a request that is not anonymous to the helper', async () => {
    const requestId = await matchedRequest(false);

    expect((await requestAs('bo', requestId)).match?.requesterMemberId).toBe(member('ana'));
  });
});
